import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Tmux {
    /// Ends the processes running in `panes` gracefully: Ctrl-C first, then SIGTERM to each
    /// pane's process group, then SIGKILL (descendants included) to whatever outlived `grace`.
    /// The panes themselves stay; returns the pids that needed SIGKILL.
    public func terminate(_ panes: [PaneInfo], grace: Duration) async -> [Int32] {
        var pids: Set<Int32> = []
        for pane in panes where !pane.isDead {
            pids.insert(pane.pid)
            pids.formUnion(ProcessLiveness.descendants(of: pane.pid))
            _ = try? await sendKeys(pane.id, "C-c")
        }
        func alive() -> [Int32] { pids.filter(ProcessLiveness.isAlive) }
        func wait(_ limit: Duration) async {
            let deadline = ContinuousClock.now + limit
            while !alive().isEmpty && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        }
        await wait(.milliseconds(500))
        for pane in panes where !pane.isDead { ProcessLiveness.signalGroup(pane.pid, SIGTERM) }
        for pid in alive() { kill(pid, SIGTERM) }
        await wait(grace)
        let stubborn = alive()
        for pid in stubborn { kill(pid, SIGKILL) }
        await wait(.seconds(1))
        return stubborn
    }
}

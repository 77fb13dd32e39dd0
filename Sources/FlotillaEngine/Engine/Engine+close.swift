import FlotillaStore
import Logging

extension Engine {
    /// Closes the store once the hub serving this engine has stopped (``Hub/serve``): a program
    /// that serves hubs one after another (the benchmark, the tests) otherwise kept every one's
    /// SQLite files open. A failure is logged; the hub has stopped either way.
    public func closeStore() {
        do {
            try store.close()
        } catch {
            logger.warning("could not close the store: \(error)")
        }
    }
}

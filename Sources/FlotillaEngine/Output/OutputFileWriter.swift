import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Appends attempts' output to their files on a queue of its own, so neither the event loop
/// that read a frame nor the commit path ever waits on the disk.
///
/// Appends are batched: bytes for the same file wait in memory and the queue writes them at
/// most every ``batchDelay``, each file opened once per batch. Reads run on the same queue after
/// the pending bytes are written, so they see everything appended before them.
final class OutputFileWriter: Sendable {
    private struct Pending {
        var bytes: [String: [UInt8]] = [:]
        var order: [String] = []
        var scheduled = false
    }

    private let queue = DispatchQueue(label: "flotilla.output-writer", qos: .utility)
    private let pending = Mutex(Pending())
    let batchDelay: DispatchTimeInterval = .milliseconds(50)

    /// Queues `bytes` to be appended to `path` (created 0600 with its directory 0700).
    func append(_ bytes: some Collection<UInt8>, to path: String) {
        let schedule = pending.withLock { pending -> Bool in
            if pending.bytes[path] == nil { pending.order.append(path) }
            pending.bytes[path, default: []].append(contentsOf: bytes)
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        if schedule {
            queue.asyncAfter(deadline: .now() + batchDelay) { self.flush() }
        }
    }

    /// Up to `count` bytes of `path` from `offset` (or the last `count` when `offset` is nil),
    /// with the file's size, once every queued append is written. Missing file: nothing, size 0.
    func read(_ path: String, from offset: Int?, count: Int) async -> (bytes: [UInt8], start: Int, size: Int) {
        await withCheckedContinuation { continuation in
            queue.async {
                self.flush()
                continuation.resume(returning: Self.readNow(path, from: offset, count: count))
            }
        }
    }

    /// Deletes `directory` and what is in it, after queued appends (which may recreate nothing
    /// for a task already gone: they are dropped first).
    func removeDirectory(_ directory: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.pending.withLock { pending in
                    let prefix = directory.hasSuffix("/") ? directory : directory + "/"
                    for path in pending.order where path.hasPrefix(prefix) { pending.bytes[path] = nil }
                    pending.order.removeAll { $0.hasPrefix(prefix) }
                }
                try? FileManager.default.removeItem(atPath: directory)
                continuation.resume()
            }
        }
    }

    /// Waits until every queued append is written (tests, shutdown).
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.flush()
                continuation.resume()
            }
        }
    }

    /// Runs on the queue only.
    private func flush() {
        let batch = pending.withLock { pending -> [(String, [UInt8])] in
            defer { pending = Pending() }
            return pending.order.compactMap { path in pending.bytes[path].map { (path, $0) } }
        }
        for (path, bytes) in batch { Self.appendNow(bytes, to: path) }
    }

    private static func appendNow(_ bytes: [UInt8], to path: String) {
        var descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == ENOENT {
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { return }
                written += result
            }
        }
    }

    private static func readNow(_ path: String, from offset: Int?, count: Int) -> (bytes: [UInt8], start: Int, size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return ([], 0, 0) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return ([], 0, 0) }
        let size = Int(info.st_size)
        let start = min(size, max(0, offset ?? (size - count)))
        let length = max(0, min(count, size - start))
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let result = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, length - done, off_t(start + done)) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { break }
            done += result
        }
        return (Array(bytes.prefix(done)), start, size)
    }
}

import Foundation

/// What removing a directory gives back to the disk, read with `lstat` (symbolic links are
/// counted as links, never followed). A file hard-linked from outside (a local clone links
/// the source's objects) frees nothing: an inode counts only when all its links are inside.
enum DiskUsage {
    static func freed(by directory: String) -> Int64 {
        var total: Int64 = 0
        // Hard-linked inodes: blocks and the links seen so far.
        var linked: [String: (blocks: Int64, seen: Int, links: Int)] = [:]
        var pending = [directory]
        while let path = pending.popLast() {
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            let blocks = Int64(status.st_blocks) * 512
            let kind = status.st_mode & S_IFMT
            if kind == S_IFDIR {
                total += blocks
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { pending.append("\(path)/\(name)") }
            } else if status.st_nlink > 1 {
                let key = "\(status.st_dev):\(status.st_ino)"
                var entry = linked[key] ?? (blocks, 0, Int(status.st_nlink))
                entry.seen += 1
                linked[key] = entry
            } else {
                total += blocks
            }
        }
        for entry in linked.values where entry.seen >= entry.links { total += entry.blocks }
        return total
    }
}

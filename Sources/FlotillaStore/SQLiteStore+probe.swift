import Foundation
import GRDB

/// Why the store cannot take writes, as ``SQLiteStore/probe()`` finds it.
public struct StoreTrouble: Error, CustomStringConvertible {
    public let description: String
}

extension SQLiteStore {
    /// Free bytes the file system must have before a store that failed is trusted again: a
    /// commit that failed on a full disk may have left room for a small write but not for the
    /// next batch, and a hub that resumed on that would only fail again.
    public static let headroomBytes: UInt64 = 1 << 20

    /// A write that reaches the write-ahead log, then a look at the free space.
    public func probe() async throws {
        try await pool.write { db in
            // Created here, not by a migration: the probe's row is no part of the data model.
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, at REAL NOT NULL)")
            try db.execute(sql: "INSERT OR REPLACE INTO store_probe (id, at) VALUES (1, ?)", arguments: [Date().timeIntervalSince1970])
        }
        var stats = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &stats) == 0 else { return }
        let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
        guard free >= Self.headroomBytes else {
            throw StoreTrouble(description: "database or disk is full: \(free) bytes free in \(directory), at least \(Self.headroomBytes) needed")
        }
    }
}

import FlotillaCore
import GRDB
import GRDBSQLite

/// Binds and runs one prepared write statement straight through SQLite's C API.
///
/// The commit path writes a few rows per task; GRDB's `StatementArguments` boxes every value
/// in an existential array first, which cost more than SQLite's own work. Values here go from
/// the record to `sqlite3_bind_*` directly. The statement still comes from GRDB's cache, and
/// it runs inside GRDB's transaction.
struct RowWriter {
    private let statement: Statement
    private let handle: OpaquePointer
    private var index: Int32 = 0

    init(_ statement: Statement) {
        self.statement = statement
        self.handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    mutating func bind(_ value: String?) {
        index += 1
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { bindText(UnsafeRawBufferPointer($0)) }
    }

    mutating func bind(_ value: [UInt8]) {
        index += 1
        value.withUnsafeBytes { bindText($0) }
    }

    private func bindText(_ bytes: UnsafeRawBufferPointer) {
        // A nil pointer would bind NULL; an empty text must stay an empty text.
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            sqlite3_bind_text(handle, index, "", 0, Self.transient)
            return
        }
        sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    mutating func bind(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    mutating func bind(_ value: Double?) {
        index += 1
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Runs the statement to completion and clears it for the next row.
    func run(in db: Database) throws {
        precondition(index == sqlite3_bind_parameter_count(handle), "bound \(index) of \(sqlite3_bind_parameter_count(handle)) parameters")
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        if code != SQLITE_DONE {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
    }

    /// SQLite copies the value before the bind call returns, so it may live on our stack.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// One finding of `flotilla doctor`: what was checked, how it went, and what to do about it.
public struct DoctorCheck: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case ok
        /// Worth knowing; the fleet can still run.
        case warning = "warn"
        /// The fleet cannot run (or cannot be reached) until this is fixed.
        case failed = "FAIL"
    }

    public var name: String
    public var status: Status
    /// What was found.
    public var detail: String
    /// What to do, for a warning or a failure.
    public var fix: String?

    public init(_ name: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    public static func ok(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name, .ok, detail) }
    public static func warning(_ name: String, _ detail: String, fix: String) -> DoctorCheck { DoctorCheck(name, .warning, detail, fix: fix) }
    public static func failed(_ name: String, _ detail: String, fix: String) -> DoctorCheck { DoctorCheck(name, .failed, detail, fix: fix) }
}

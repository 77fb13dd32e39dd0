/// A module's stable error codes: an enum whose raw value is the contract. Clients, task
/// results and the docs match on `rawValue`, so a case may be added but never renamed.
public protocol ErrorCode: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {
    /// Whether ``CodedError/description`` names the field between code and message. True where
    /// the field is a location the message does not repeat (a fleet file's `agents[2].count`);
    /// false where the message already says which field it is about (the HTTP API's errors).
    static var describesField: Bool { get }
}

extension ErrorCode {
    public static var describesField: Bool { false }
}

/// The one error type of Flotilla's modules: a stable code from the module's own ``ErrorCode``
/// enum, a message a person can act on, and the field it concerns. Each module names its own
/// specialisation (`FlotillaError`, `AgentError`, `FleetError`, `TmuxError`), so `catch let e as
/// FleetError` still picks one module's errors, and adds what only it needs in an extension
/// (the HTTP status and JSON of `FlotillaError`).
///
/// The MQTT target keeps its own `MQTTError`: it is a standalone MQTT client library that
/// imports nothing of Flotilla (FlotillaCore would bring the domain, Crypto and collections
/// with it), its codes are MQTT's vocabulary, and it carries the broker's reason code. It prints
/// the same `code: message` shape.
public struct CodedError<ModuleCode: ErrorCode>: Error, Sendable, Hashable, CustomStringConvertible {
    /// The module's code enum, so `FleetError.Code` names `FleetErrorCode`.
    public typealias Code = ModuleCode

    public let code: Code
    public let message: String
    /// The field (or place in a file) the error concerns, if any.
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// `code: message`, or `code: field: message` where the code's module describes fields.
    public var description: String {
        if Code.describesField, let field { return "\(code.rawValue): \(field): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}

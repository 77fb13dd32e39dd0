import FlotillaCore

/// A problem with a fleet file, a rules file or a fleet command, with a stable code and, for a
/// file, where in it (e.g. `agents[2].count`).
public typealias FleetError = CodedError<FleetErrorCode>

/// Stable codes of ``FleetError``, documented in docs/fleet.md; match on `rawValue`, never
/// rename one.
public enum FleetErrorCode: String, ErrorCode {
    case fileNotFound = "fleet_file_not_found"
    case invalidYAML = "fleet_invalid_yaml"
    case unknownField = "fleet_unknown_field"
    case missingField = "fleet_missing_field"
    case invalidField = "fleet_invalid_field"
    case duplicateAgent = "fleet_duplicate_agent"
    case invalidRules = "screen_rules_invalid"
    case agentNotFound = "fleet_agent_not_found"
    case notRunning = "fleet_not_running"
    /// The hub `up` started exited or did not answer in time.
    case hubUnavailable = "fleet_hub_unavailable"
    /// `start NAME` for an agent that is running.
    case agentRunning = "fleet_agent_running"
    /// `init` outside a git repository (or without git).
    case initNotAGitRepository = "init_not_a_git_repository"
    /// `init` over an existing fleet file without `--force`.
    case initFileExists = "init_file_exists"
    /// `init` could not write the fleet file.
    case initWriteFailed = "init_write_failed"

    /// The field is a place in the file the message does not repeat:
    /// `fleet_unknown_field: agents[0].colour: unknown field 'colour'`.
    public static var describesField: Bool { true }
}

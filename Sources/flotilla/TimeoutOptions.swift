import ArgumentParser
import FlotillaCore

/// `flotilla hub`'s time limits for attempts of tasks that set no `timeout_seconds`.
struct TimeoutOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Time limit of an attempt whose task and role set none; 0 for no limit.", valueName: "seconds"))
    var defaultTimeoutSeconds: Double = SchedulerPolicy.defaultTaskTimeout

    @Option(name: .customLong("role-timeout"), help: ArgumentHelp("Time limit for a role's tasks that set none (repeatable), e.g. deployment=600.", valueName: "role=seconds"))
    var roleTimeouts: [String] = []

    func validate() throws {
        guard defaultTimeoutSeconds >= 0 else { throw ValidationError("--default-timeout-seconds must not be negative (0 means no limit).") }
        _ = try parsedRoleTimeouts()
    }

    /// `--role-timeout` values as a table; a clear error for a malformed one.
    func parsedRoleTimeouts() throws -> [String: Double] {
        var table: [String: Double] = [:]
        for entry in roleTimeouts {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let seconds = Double(parts[1]), seconds > 0 else {
                throw ValidationError("--role-timeout '\(entry)' must be ROLE=SECONDS with SECONDS above 0, e.g. deployment=600.")
            }
            table[parts[0]] = seconds
        }
        return table
    }

    /// Sets the policy's limits from these options.
    func apply(to policy: inout SchedulerPolicy) throws {
        policy.defaultTimeout = defaultTimeoutSeconds > 0 ? defaultTimeoutSeconds : nil
        policy.roleTimeouts = try parsedRoleTimeouts()
    }
}

import ArgumentParser
import FlotillaCore

/// `flotilla hub`'s retention: how long what is over (finished tasks, events, offline agents,
/// ended deliveries, finished workflow runs, decided approvals, final goals) is kept.
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Days to keep finished tasks, events, offline agents, finished workflow runs, decided approvals and final goals (never the cost ledger); 0 keeps everything.", valueName: "days"))
    var retentionDays: Double = 30

    func validate() throws {
        guard retentionDays >= 0 else { throw ValidationError("--retention-days must not be negative (0 keeps everything).") }
    }

    var policy: RetentionPolicy? {
        retentionDays > 0 ? RetentionPolicy(maxAge: retentionDays * 86_400) : nil
    }
}

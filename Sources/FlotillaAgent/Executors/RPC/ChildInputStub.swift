// TEMPORARY stub until claude-approvals' "process stdin:" commit lands; not to be committed.
final class ChildInput: Sendable {
    init() {}
    func write(_ text: String) {}
    func close() {}
}
extension ProcessSpec {
    var input: ChildInput? { get { nil } set {} }
}

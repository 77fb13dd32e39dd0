import FlotillaCore

/// A submission body as the API and the MQTT bridge take it: one task object, an array of them,
/// or `{"tasks":[…]}`. A task object is a spec, the message envelope or a task in words
/// (``TaskSpec/init(submitted:index:)``).
struct Submission {
    var specs: [TaskSpec]
    /// One object, answered with one task rather than a list.
    var single: Bool

    init(_ body: JSONValue, maxBatchSize: Int) throws(FlotillaError) {
        let items: [JSONValue]
        switch body {
        case .array(let array):
            (items, single) = (array, false)
        case .object(let object) where object.keys.count == 1 && object["tasks"] != nil:
            guard let array = object["tasks"]?.arrayValue else {
                throw FlotillaError(.invalidField, "'tasks' must be an array of task objects.", field: "tasks")
            }
            (items, single) = (array, false)
        case .object:
            (items, single) = ([body], true)
        default:
            throw FlotillaError(.invalidField, "The body must be a task object or an array of them, got \(body.typeName).")
        }
        guard !items.isEmpty else { throw FlotillaError(.invalidField, "The batch is empty.", field: "tasks") }
        guard items.count <= maxBatchSize else {
            throw FlotillaError(.invalidField, "At most \(maxBatchSize) tasks per batch, got \(items.count).", field: "tasks")
        }
        specs = []
        specs.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            specs.append(try TaskSpec(submitted: item, index: single ? nil : index))
        }
    }
}

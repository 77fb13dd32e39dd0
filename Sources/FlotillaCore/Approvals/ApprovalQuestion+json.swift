extension ApprovalQuestion {
    /// The most characters of `tool` and of `subject`.
    static let toolLimit = 200
    static let subjectLimit = 4096
    /// The most choices a prompt may offer.
    static let choiceLimit = 20

    /// `{"task_id","attempt","source","tool","subject","detail","input","read_only","choices"}`:
    /// the `approval` message's payload, and part of a record's JSON.
    public var json: JSONValue {
        .object(members)
    }

    /// The members ``json`` writes, for records that add their own.
    var members: [String: JSONValue] {
        [
            "task_id": taskID.map(JSONValue.string) ?? .null,
            "attempt": attempt.map { .int(Int64($0)) } ?? .null,
            "source": .string(source.rawValue),
            "tool": .string(tool),
            "subject": .string(subject),
            "detail": .string(detail),
            "input": input,
            "read_only": .bool(readOnly),
            "choices": .array(choices.map(\.json)),
        ]
    }

    /// Reads a question (an `approval` message's payload). `source` and `tool` are required;
    /// `subject`, `detail` and `read_only` default to what ``ApprovalSubject`` makes of the
    /// tool and its `input`. Anything malformed is refused by field (`prefix` + name).
    public init(json: JSONValue, prefix: String = "") throws(FlotillaError) {
        guard let object = json.objectValue else {
            throw FlotillaError(.invalidField, "An approval question must be a JSON object, got \(json.typeName).", field: prefix.isEmpty ? nil : String(prefix.dropLast()))
        }
        let reader = FieldReader(object: object, prefix: prefix)
        let source: ApprovalSource = try reader.requiredCase("source", "approval source")
        let tool = try reader.requiredString("tool")
        guard !tool.isEmpty, tool.count <= Self.toolLimit, !tool.contains(where: \.isNewline) else {
            throw FlotillaError(.invalidField, "'tool' must be 1 to \(Self.toolLimit) characters on one line.", field: prefix + "tool")
        }
        let subject = try reader.string("subject")
        if let subject, subject.isEmpty || subject.utf8.count > Self.subjectLimit {
            throw FlotillaError(.invalidField, "'subject' must be 1 to \(Self.subjectLimit) bytes.", field: prefix + "subject")
        }
        let taskID = try reader.string("task_id")
        if let taskID { try reader.checkName(taskID, field: "task_id", maxLength: 128) }
        let attempt = try reader.int("attempt", range: 1...1_000_000)
        let input = reader.value("input") ?? .object([:])
        var readOnly: Bool?
        if let value = reader.value("read_only") {
            guard let flag = value.boolValue else {
                throw FlotillaError(.invalidField, "'read_only' must be a boolean, got \(value.typeName).", field: prefix + "read_only")
            }
            readOnly = flag
        }
        self.init(
            source: source, taskID: taskID, attempt: attempt, tool: tool, subject: subject,
            detail: try reader.string("detail"), input: input, readOnly: readOnly,
            choices: try Self.choices(reader.value("choices"), field: prefix + "choices")
        )
    }

    private static func choices(_ value: JSONValue?, field: String) throws(FlotillaError) -> [ApprovalChoice] {
        guard let value else { return [] }
        guard let array = value.arrayValue else {
            throw FlotillaError(.invalidField, "'choices' must be an array of {key, label, allows}, got \(value.typeName).", field: field)
        }
        guard array.count <= choiceLimit else {
            throw FlotillaError(.invalidField, "A prompt may offer at most \(choiceLimit) choices, got \(array.count).", field: field)
        }
        var out: [ApprovalChoice] = []
        for (index, element) in array.enumerated() {
            let at = "\(field)[\(index)]"
            guard let object = element.objectValue else {
                throw FlotillaError(.invalidField, "A choice must be an object {key, label, allows}, got \(element.typeName).", field: at)
            }
            let reader = FieldReader(object: object, prefix: at + ".")
            let key = try reader.requiredString("key")
            guard !key.isEmpty, key.count <= 100 else {
                throw FlotillaError(.invalidField, "A choice's 'key' must be 1 to 100 characters.", field: at + ".key")
            }
            guard !out.contains(where: { $0.key == key }) else {
                throw FlotillaError(.invalidField, "Two choices have the key '\(key)'.", field: at + ".key")
            }
            let label = try reader.string("label") ?? key
            guard let allowsValue = object["allows"], let allows = allowsValue.boolValue else {
                throw FlotillaError(.invalidField, "A choice's 'allows' must be a boolean (whether picking it means allow).", field: at + ".allows")
            }
            out.append(ApprovalChoice(key: key, label: String(label.prefix(500)), allows: allows))
        }
        return out
    }
}

/// Reading a plan out of a model's text answer. Models wrap JSON in prose and fences however
/// they like, so the plan is taken from the first ```json fenced block that parses, then any
/// fenced block, then the first balanced top-level `{…}` in the text that parses.
extension GoalPlan {
    /// The plan's JSON in `answer`, or an issue at the root saying why none was found.
    public static func json(inAnswer answer: String) throws(GoalPlanRejection) -> JSONValue {
        let blocks = fencedBlocks(answer)
        var fenceError: String?
        for tagged in [true, false] {
            for block in blocks where block.isJSON == tagged {
                do {
                    let value = try JSONValue.parse(block.body)
                    if value.objectValue != nil { return value }
                } catch {
                    if tagged, fenceError == nil { fenceError = error.message }
                }
            }
        }
        if let value = firstObject(in: Array(answer.utf8)) { return value }
        let message = fenceError.map { "the ```json block is not valid JSON (\($0)): answer with the plan as one valid ```json block" }
            ?? "the answer holds no JSON object: answer with the plan as one ```json block"
        throw GoalPlanRejection(issues: [PlanIssue(path: "", message: message)])
    }

    /// Extracts and validates in one: the plan, or every issue (one, at the root, when the
    /// answer holds no JSON).
    public static func parse(answer: String, validator: GoalPlanValidator) throws(GoalPlanRejection) -> GoalPlan {
        try validator.validate(try json(inAnswer: answer))
    }

    struct FencedBlock {
        var isJSON: Bool
        var body: String
    }

    /// Blocks between ``` fences (a fence may be indented up to 3 spaces and be longer than 3
    /// backticks; it closes with at least as many). An unclosed block runs to the end.
    static func fencedBlocks(_ text: String) -> [FencedBlock] {
        var blocks: [FencedBlock] = []
        var open: (ticks: Int, isJSON: Bool, lines: [Substring])?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            let ticks = trimmed.prefix { $0 == "`" }.count
            if var current = open {
                if indent <= 3, ticks >= current.ticks, trimmed.dropFirst(ticks).allSatisfy(\.isWhitespace) {
                    blocks.append(FencedBlock(isJSON: current.isJSON, body: current.lines.joined(separator: "\n")))
                    open = nil
                } else {
                    current.lines.append(line)
                    open = current
                }
            } else if indent <= 3, ticks >= 3 {
                // The info string's first word is the language: ```json, ``` JSON {…}.
                let language = trimmed.dropFirst(ticks).split(whereSeparator: \.isWhitespace).first?.lowercased() ?? ""
                open = (ticks, language == "json", [])
            }
        }
        if let current = open { blocks.append(FencedBlock(isJSON: current.isJSON, body: current.lines.joined(separator: "\n"))) }
        return blocks
    }

    /// The first `{…}`, balanced outside strings, that parses as a JSON object.
    static func firstObject(in bytes: [UInt8]) -> JSONValue? {
        var start = 0
        var tries = 0
        while start < bytes.count, tries < 64 {
            guard let open = bytes[start...].firstIndex(of: UInt8(ascii: "{")) else { return nil }
            tries += 1
            if let close = matchingBrace(bytes, from: open),
               let value = try? JSONValue.parse(bytes[open...close]), value.objectValue != nil {
                return value
            }
            start = open + 1
        }
        return nil
    }

    /// The index of the `}` closing the `{` at `open`, skipping braces inside strings.
    private static func matchingBrace(_ bytes: [UInt8], from open: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in open..<bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }
}

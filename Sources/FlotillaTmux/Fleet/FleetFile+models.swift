import FlotillaCore

extension FleetFile {
    /// Reads an agent's model-executor keys (docs/fleet.md), checking their ranges the way
    /// `flotilla agent` does, so a bad value is named in the file rather than in a dead pane.
    static func readModelKeys(_ reader: inout FieldReader, path: String) throws -> ModelKeys {
        var keys = ModelKeys()
        keys.baseURL = try reader.string("base_url")
        keys.apiKeyFile = try reader.string("api_key_file")
        keys.temperature = try reader.number("temperature")
        keys.maxTurns = try reader.int("max_turns")
        keys.priceIn = try reader.number("price_in")
        keys.priceOut = try reader.number("price_out")
        keys.route = try reader.string("route")
        if let url = keys.baseURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw FleetError(.invalidField, "must be an http(s) URL", field: "\(path).base_url")
        }
        if let temperature = keys.temperature, !(0...2).contains(temperature) {
            throw FleetError(.invalidField, "must be between 0 and 2", field: "\(path).temperature")
        }
        if let turns = keys.maxTurns, !(1...1000).contains(turns) {
            throw FleetError(.invalidField, "must be between 1 and 1000", field: "\(path).max_turns")
        }
        for (key, price) in [("price_in", keys.priceIn), ("price_out", keys.priceOut)] {
            if let price, price < 0 { throw FleetError(.invalidField, "cannot be negative", field: "\(path).\(key)") }
        }
        return keys
    }

    /// The `flotilla agent` flags for an agent's model keys (the key file resolved against the
    /// fleet file's directory; the key itself never appears on a command line).
    func modelArguments(_ keys: ModelKeys) -> [String] {
        var arguments: [String] = []
        if let url = keys.baseURL { arguments += ["--base-url", url] }
        if let file = keys.apiKeyFile { arguments += ["--api-key-file", resolve(file)] }
        if let temperature = keys.temperature { arguments += ["--temperature", "\(temperature)"] }
        if let turns = keys.maxTurns { arguments += ["--max-turns", "\(turns)"] }
        if let price = keys.priceIn { arguments += ["--price-in", "\(price)"] }
        if let price = keys.priceOut { arguments += ["--price-out", "\(price)"] }
        if let route = keys.route { arguments += ["--route", route] }
        return arguments
    }
}

import Foundation
import Hummingbird

extension Parameters {
    /// The path parameter `name`, percent-decoded: clients encode ids in paths (the CLI writes
    /// an agent id `a/b` as `a%2Fb`), and the router hands segments over as they came.
    ///
    /// A segment whose decoding is malformed or yields a control character is kept as written:
    /// no id has control characters, and a tmux pane id such as `%12` is often sent unencoded.
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        guard let decoded = raw.removingPercentEncoding,
              !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return raw }
        return decoded
    }
}

import Hummingbird

/// The dashboard's session cookie, `flotilla_session`: out of reach of scripts (`HttpOnly`),
/// never sent by another site's page (`SameSite=Strict`), only over TLS when the hub serves it.
enum SessionCookie {
    static let name = "flotilla_session"

    /// The cookie's value in a request, if it carries one.
    static func value(in headers: HTTPFields) -> Substring? {
        for field in headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let pair = pair.drop { $0 == " " }
                if pair.hasPrefix(name + "="), case let value = pair.dropFirst(name.count + 1), !value.isEmpty {
                    return value
                }
            }
        }
        return nil
    }

    /// `Set-Cookie` for a session `id` that lasts `maxAge` seconds.
    static func set(_ id: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(id); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)" + (secure ? "; Secure" : "")
    }

    /// `Set-Cookie` that makes the browser forget the session (sign-out).
    static func clear(secure: Bool) -> String {
        set("", maxAge: 0, secure: secure)
    }
}

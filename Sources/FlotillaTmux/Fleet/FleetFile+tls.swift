import FlotillaCore
import Foundation

extension FleetFile {
    /// Whether agents and fleet commands reach the hub over TLS (`https://` in `hub.url`).
    public var hubUsesTLS: Bool { URL(string: hub.url)?.scheme == "https" }

    /// The CA file (absolute) that fleet commands and agents trust besides the system roots:
    /// `hub.ca_file`, else `hub.tls_cert` (a self-signed certificate is its own CA); nil when
    /// the file names neither. `--ca-file`/`FLOTILLA_CA_FILE` replace it (``Fleet``).
    public var hubCAFile: String? { (hub.caFile ?? hub.tlsCert).map(resolve) }

    /// The hub's certificate and key as absolute paths, when the file names them.
    public var hubTLSFiles: (certificate: String, key: String)? {
        guard let certificate = hub.tlsCert, let key = hub.tlsKey else { return nil }
        return (resolve(certificate), resolve(key))
    }

    /// Refuses TLS settings that cannot work together, before anything starts: a certificate
    /// without its key (or the reverse), TLS files on an `http://` hub (agents would speak plain
    /// HTTP to a TLS port), an `https://` hub that `up` starts with no certificate to serve, and
    /// files that cannot be read.
    func checkTLS() throws {
        if hub.tlsCert != nil, hub.tlsKey == nil {
            throw FleetError(.missingField, "tls_cert needs its private key: set tls_key too (both PEM files)", field: "hub.tls_key")
        }
        if hub.tlsKey != nil, hub.tlsCert == nil {
            throw FleetError(.missingField, "tls_key needs its certificate: set tls_cert too (both PEM files)", field: "hub.tls_cert")
        }
        let tlsKey = hub.tlsCert != nil ? "tls_cert" : hub.caFile != nil ? "ca_file" : nil
        if !hubUsesTLS, let key = tlsKey {
            throw FleetError(.invalidField, "'\(hub.url)' is plain http, but hub.\(key) is set: use https:// so agents and commands speak TLS to the hub, or remove the TLS keys", field: "hub.url")
        }
        if hubUsesTLS, hub.start, hub.command == nil, hub.tlsCert == nil {
            throw FleetError(.missingField, "the https:// hub `up` starts needs a certificate to serve: set tls_cert and tls_key (PEM), or start: false for a hub that runs elsewhere", field: "hub.tls_cert")
        }
        for (key, path) in [("tls_cert", hub.tlsCert), ("tls_key", hub.tlsKey), ("ca_file", hub.caFile)] {
            guard let path else { continue }
            guard FileManager.default.isReadableFile(atPath: resolve(path)) else {
                throw FleetError(.fileNotFound, "cannot read \(resolve(path)) (a PEM file)", field: "hub.\(key)")
            }
        }
    }
}

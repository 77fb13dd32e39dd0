import FlotillaClient
import FlotillaTmux
import Foundation

extension DoctorCommand {
    /// The fleet's TLS files: the certificate and key the hub `up` starts serves with, and the
    /// CA file commands and agents trust — each readable, each certificate valid today. Nothing
    /// for a fleet without TLS. (Whether the hub answers with that CA is ``checkHub(_:caFile:)``'s.)
    static func checkTLS(_ file: FleetFile, now: Date = Date()) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        if let tls = file.hubTLSFiles {
            checks.append(checkCertificate("tls cert", tls.certificate, now: now, fix: "give hub.tls_cert a current PEM certificate for the hub's host name or address"))
            do {
                try HubTrust.checkPrivateKeyFile(tls.key)
                checks.append(.ok("tls key", "\(tls.key) holds a private key"))
            } catch {
                checks.append(.failed("tls key", "\(error)", fix: "point hub.tls_key at the certificate's private key (PEM, unencrypted)"))
            }
        }
        if let caFile = file.hubCAFile, caFile != file.hubTLSFiles?.certificate {
            checks.append(checkCertificate("ca file", caFile, now: now, fix: "point hub.ca_file (or --ca-file / FLOTILLA_CA_FILE) at the hub's certificate or the CA that signed it"))
        }
        return checks
    }

    /// One certificate file: readable and valid at `now`.
    static func checkCertificate(_ name: String, _ path: String, now: Date, fix: String) -> DoctorCheck {
        let certificate: HubTrust.CertificateFile
        do {
            certificate = try HubTrust.certificateFile(path)
        } catch {
            return .failed(name, "\(error)", fix: fix)
        }
        let day = { (date: Date) in ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate]) }
        if certificate.notAfter < now {
            return .failed(name, "\(path) expired on \(day(certificate.notAfter)); clients refuse it", fix: fix)
        }
        if certificate.notBefore > now {
            return .failed(name, "\(path) is not valid before \(day(certificate.notBefore)); clients refuse it", fix: fix + " (or check this machine's clock)")
        }
        let left = Int(certificate.notAfter.timeIntervalSince(now) / 86_400)
        let detail = "\(path): valid until \(day(certificate.notAfter))"
        if left < 7 {
            return .warning(name, detail + " (\(left) day\(left == 1 ? "" : "s") left)", fix: "renew it before it expires: " + fix)
        }
        return .ok(name, detail)
    }

    /// The hub accepts connections but the TLS handshake with it failed.
    static func tlsRefused(url: String, caFile: String?, problem: String) -> DoctorCheck {
        let trusted = caFile.map { "with the CA file \($0)" } ?? "with the system's CA certificates (no CA file)"
        return .failed(
            "hub", "the hub at \(url) accepts connections, but TLS fails \(trusted): \(problem)",
            fix: "set hub.ca_file (or --ca-file / FLOTILLA_CA_FILE) to the hub's certificate or its CA, and check that hub.url is https:// only for a hub started with --tls-cert"
        )
    }
}

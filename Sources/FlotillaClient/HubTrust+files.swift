import Foundation
import NIOSSL

extension HubTrust {
    /// What a PEM certificate file holds, read with NIOSSL (no `openssl` program needed).
    public struct CertificateFile: Sendable, Hashable {
        /// The first certificate's validity period (the hub's own, in a chain).
        public var notBefore: Date
        public var notAfter: Date
    }

    /// Reads the certificates of the PEM file at `path`; throws a message fit for a person
    /// when it cannot be read or holds none.
    public static func certificateFile(_ path: String) throws -> CertificateFile {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw FileProblem(description: "cannot read \(path) as PEM certificates (\(error))")
        }
        guard let first = chain.first else { throw FileProblem(description: "\(path) holds no PEM certificate") }
        return CertificateFile(
            notBefore: Date(timeIntervalSince1970: TimeInterval(first.notValidBefore)),
            notAfter: Date(timeIntervalSince1970: TimeInterval(first.notValidAfter))
        )
    }

    /// Checks that the PEM file at `path` holds a private key, as `flotilla hub --tls-key` reads it.
    public static func checkPrivateKeyFile(_ path: String) throws {
        do {
            _ = try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw FileProblem(description: "cannot read \(path) as a PEM private key (\(error))")
        }
    }

    /// Why a certificate or key file is unusable.
    public struct FileProblem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// When a request to the hub failed in TLS (the handshake, or the certificate not trusted),
    /// what went wrong in a few words; nil for any other failure.
    public static func tlsFailure(_ error: any Error) -> String? {
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.lowercased().contains("certificate verify") {
            return "its certificate is not trusted (\(text))"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("uncleanShutdown") {
            return "it does not speak TLS there (\(text))"
        }
        return "the TLS handshake failed (\(text))"
    }
}

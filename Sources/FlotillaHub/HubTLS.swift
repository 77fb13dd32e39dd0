import FlotillaCore
import Foundation
import NIOSSL

/// The hub's certificate for HTTPS/WSS (`flotilla hub --tls-cert PEM --tls-key PEM`).
public struct HubTLS: Sendable, Hashable {
    /// PEM file with the certificate chain, the hub's own certificate first.
    public var certificatePath: String
    /// PEM file with the certificate's private key.
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// Reads the files into a server TLS configuration; a missing or unreadable file is an
    /// `invalid_field` error naming it, so `flotilla hub` refuses to start rather than serving
    /// plain HTTP.
    public func serverConfiguration() throws(FlotillaError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw FlotillaError(.invalidField, "Cannot read the TLS certificate \(certificatePath) (a PEM file): \(error).", field: "tls-cert")
        }
        guard !chain.isEmpty else {
            throw FlotillaError(.invalidField, "The TLS certificate file \(certificatePath) holds no PEM certificate.", field: "tls-cert")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw FlotillaError(.invalidField, "Cannot read the TLS private key \(keyPath) (a PEM file): \(error).", field: "tls-key")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}

extension HubConfiguration {
    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }

    /// Refuses plain HTTP on an address other machines can reach (bearer tokens would cross
    /// the network in clear) unless ``insecure`` says the network is trusted.
    public func checkTransport() throws(FlotillaError) {
        guard tls == nil, !insecure, !Self.isLoopback(host) else { return }
        throw FlotillaError(
            .invalidField,
            "Refusing to serve plain HTTP on '\(host)': tokens would travel in clear. Give --tls-cert and --tls-key to serve HTTPS, bind 127.0.0.1, or pass --insecure on a network you trust.",
            field: "host"
        )
    }

    /// The scheme clients use: `https` with TLS, else `http`.
    public var scheme: String { tls == nil ? "http" : "https" }
}

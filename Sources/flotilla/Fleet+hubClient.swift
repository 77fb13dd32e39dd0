import FlotillaClient
import FlotillaTmux

extension Fleet {
    /// A client for the fleet's hub at `hub.url` that trusts the fleet's CA file (`hub.ca_file`,
    /// else `hub.tls_cert`; `--ca-file`/`FLOTILLA_CA_FILE` over both) besides the system roots,
    /// and fails fast when nothing answers.
    func hubClient(token: String?) -> HubClient {
        HubClient(baseURL: file.hub.url, token: token, http: HubTrust.failingFastClient(caFile: file.hubCAFile))
    }
}

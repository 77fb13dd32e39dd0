import HTTPTypes

/// Header names the hub reads or writes beyond HTTPTypes' own.
extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// RFC 7240: `return=minimal` on a submission asks for ids and states only.
    static let prefer = HTTPField.Name("Prefer")!
    static let preferenceApplied = HTTPField.Name("Preference-Applied")!
    /// The dashboard's pages send no referrer (a one-time sign-in link must not leak).
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    /// The dashboard's CSRF token on requests that change something (cookie sessions).
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    /// Where a browser's request comes from (`same-origin`, `cross-site`, `none`, …).
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}

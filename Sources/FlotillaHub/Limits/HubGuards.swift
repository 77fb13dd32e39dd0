/// The hub's live bounds, shared by its routes: per-token request rates and stream caps.
struct HubGuards: Sendable {
    let limits: HubLimits
    let rates: RateLimiter
    let streams: StreamQuota

    init(limits: HubLimits) {
        self.limits = limits
        self.rates = RateLimiter(limits: limits)
        self.streams = StreamQuota(limits: limits)
    }
}

extension Scheduler {
    /// Queues writes that change no scheduling state (notification deliveries, their cursor):
    /// they commit through the one queue, in order with every other change.
    public mutating func record(_ writes: [StoreWrite]) {
        effects.writes.append(contentsOf: writes)
    }
}

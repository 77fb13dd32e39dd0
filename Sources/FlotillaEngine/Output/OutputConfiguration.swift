/// How the hub keeps running attempts' output (`GET /api/tasks/{id}/output`). Every default is
/// what `flotilla hub` uses.
public struct OutputConfiguration: Sendable {
    /// Where each attempt's whole output is appended (`<data>/output/<task>/<attempt>.log`);
    /// nil keeps output in memory only.
    public var directory: String?
    /// Bytes of each attempt's output kept in memory (the tail new readers start with).
    /// Default 64 KiB.
    public var memoryBytes: Int
    /// Bytes of one attempt's output written to its file; past it one line says the rest was
    /// not kept. Default 16 MiB.
    public var fileBytes: Int
    /// Seconds an attempt's memory buffer outlives its task reaching a final state (its file
    /// stays). Default 60.
    public var keepSeconds: Double
    /// Attempts kept in memory at most; past it the least recently written is dropped (its
    /// file stays). Default 1,024.
    public var maxAttempts: Int

    public init(directory: String? = nil, memoryBytes: Int = 64 << 10, fileBytes: Int = 16 << 20, keepSeconds: Double = 60, maxAttempts: Int = 1_024) {
        self.directory = directory
        self.memoryBytes = max(1, memoryBytes)
        self.fileBytes = max(0, fileBytes)
        self.keepSeconds = keepSeconds
        self.maxAttempts = max(1, maxAttempts)
    }
}

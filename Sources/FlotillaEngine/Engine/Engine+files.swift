public import FlotillaCore

extension Engine {
    /// A task's file set for file-aware dispatch, as `GET /api/tasks/{id}` shows it (`files`):
    /// what its payload declares (when it names a `repo`) and what its current attempt
    /// announced so far (empty when it is not held; announcements are kept in memory only).
    public func taskFiles(_ record: TaskRecord) -> JSONValue {
        let announced = inspect { $0.announcedFiles(record.id) }
        return [
            "declared": .array(record.spec.declaredFiles.map { .string($0) }),
            "announced": .array(announced.map { .string($0) }),
        ]
    }
}

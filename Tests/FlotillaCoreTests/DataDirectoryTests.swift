import Testing
@testable import FlotillaCore

@Suite("DataDirectory")
struct DataDirectoryTests {
    @Test("the hub's files sit in the data directory under their fixed names")
    func layout() {
        let directory = DataDirectory("/srv/flotilla")
        #expect(directory.adminTokenPath == "/srv/flotilla/admin.token")
        #expect(directory.databasePath == "/srv/flotilla/flotilla.sqlite")
        #expect(directory.signingKeyPath == "/srv/flotilla/hub-signing.key")
        #expect(DataDirectory(".flotilla").adminTokenPath == ".flotilla/admin.token")
    }
}

import Testing
@testable import FlotillaCore

@Suite("IDGenerator")
struct IDGeneratorTests {
    static let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")

    @Test("ids are 14 Crockford base-32 characters")
    func shape() {
        let ids = IDGenerator()
        for index in 0..<100 {
            let id = ids.next(now: 1_700_000_000 + Double(index) * 0.0007)
            #expect(id.count == 14)
            #expect(id.allSatisfy { Self.alphabet.contains($0) }, "\(id)")
        }
    }

    @Test("ids within one millisecond are unique and sort in creation order")
    func sameMillisecond() {
        let ids = IDGenerator()
        let made = (0..<5000).map { _ in ids.next(now: 1_700_000_000.123) }
        #expect(Set(made).count == made.count)
        #expect(made == made.sorted())
    }

    @Test("ids sort by time across milliseconds")
    func acrossMilliseconds() {
        let ids = IDGenerator()
        let made = (0..<500).map { ids.next(now: 1_700_000_000 + Double($0) * 0.001 + 0.0005) }
        #expect(made == made.sorted())
        #expect(Set(made).count == made.count)
    }

    @Test("the first 10 characters encode the millisecond")
    func timePrefix() {
        let first = IDGenerator().next(now: 1_700_000_000.5)
        let second = IDGenerator().next(now: 1_700_000_000.5)
        #expect(first.prefix(10) == second.prefix(10))
        #expect(IDGenerator().next(now: 0).prefix(10) == "0000000000")
        // 1 ms → last time digit is 1.
        #expect(IDGenerator().next(now: 0.001).prefix(10) == "0000000001")
        #expect(IDGenerator().next(now: 0.032).prefix(10) == "0000000010")
    }

    @Test("a clock that steps back still yields increasing ids")
    func clockStepsBack() {
        let ids = IDGenerator()
        let a = ids.next(now: 1_700_000_010)
        let b = ids.next(now: 1_700_000_000)
        let c = ids.next(now: 1_699_999_000)
        #expect(a < b)
        #expect(b < c)
    }

    @Test("ids from concurrent callers never collide")
    func concurrentUse() async {
        let ids = IDGenerator()
        let all = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<2000).map { _ in ids.next(now: 1_700_000_000.5) } }
            }
            var out: [String] = []
            for await chunk in group { out += chunk }
            return out
        }
        #expect(Set(all).count == 8000)
    }

    @Test("secrets are lowercase hex of the requested size and differ")
    func secrets() {
        let secret = IDGenerator.secret()
        #expect(secret.count == 48)
        #expect(secret.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(IDGenerator.secret(byteCount: 4).count == 8)
        #expect(IDGenerator.secret() != IDGenerator.secret())
    }
}

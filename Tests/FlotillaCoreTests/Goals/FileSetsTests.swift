import Testing
@testable import FlotillaCore

@Suite("File sets and path globs")
struct FileSetsTests {
    @Test("paths overlap by whole components: a folder covers what is under it, a name prefix does not")
    func paths() {
        #expect(FileSets.overlaps("src", "src/a.swift"))
        #expect(FileSets.overlaps("src/a.swift", "src/"))
        #expect(FileSets.overlaps("./src/a.swift", "src/a.swift"))
        #expect(!FileSets.overlaps("src/a.swift", "src/b.swift"))
        #expect(!FileSets.overlaps("src", "src2/a.swift"), "prefix on components, not characters")
        #expect(!FileSets.overlaps("docs/api.md", "docs/api.md.bak"))
        #expect(FileSets.overlaps(".", "anything/at/all"))
    }

    @Test("globs against paths and folders")
    func globs() {
        #expect(FileSets.overlaps("src/**", "src/a/b.swift"))
        #expect(FileSets.overlaps("src/**/*.ts", "src"), "a folder holding possible matches")
        #expect(!FileSets.overlaps("src/*", "src/lib/deep.ts"), "a glob names what it matches: src/** for a folder")
        #expect(FileSets.overlaps("src/*", "src/lib"))
        #expect(!FileSets.overlaps("src/**", "docs/a.md"))
        #expect(!FileSets.overlaps("docs/*.md", "docs/img/a.png"))
        #expect(FileSets.overlaps("docs/", "docs/img/a.png"), "a trailing / is the folder")
        #expect(!FileSets.overlaps("**/*.md", "src/**/*.swift"))
        #expect(FileSets.overlaps("**/*.md", "src/a.swift"), "a path may be a folder: src/a.swift/x.md")
        #expect(FileSets.overlaps("**/*.md", "docs/guide/intro.md"))
        #expect(FileSets.overlaps("{src,lib}/**", "lib/x.c"))
    }

    @Test("globs against globs: disjoint when fixed parts disagree, overlapping otherwise")
    func globPairs() {
        #expect(FileSets.overlaps("src/**", "src/*/x.ts"))
        #expect(FileSets.overlaps("**/*.ts", "src/**"))
        #expect(!FileSets.overlaps("**/*.ts", "**/*.md"))
        #expect(!FileSets.overlaps("src/**/*.ts", "src/**/*.md"))
        #expect(!FileSets.overlaps("api_*.go", "web_*.go"))
        #expect(FileSets.overlaps("api_*.go", "api_v*.go"))
    }

    @Test("overlap lists every overlapping pair in order; empty sets overlap nothing")
    func pairs() {
        let a = ["Sources/Store", "docs/store.md", "Package.swift"]
        let b = ["Sources/Store/Migrations.swift", "Sources/Hub/**", "docs/*.md"]
        #expect(FileSets.overlap(a, b) == [
            FileSets.Overlap(a: "Sources/Store", b: "Sources/Store/Migrations.swift"),
            FileSets.Overlap(a: "docs/store.md", b: "docs/*.md"),
        ])
        #expect(FileSets.overlap([], b).isEmpty)
        #expect(FileSets.overlap(["README.md"], ["docs/**"]).isEmpty)
    }

    @Test("PathGlob: *, ?, sets, braces, ** of zero or more components, case, errors")
    func glob() throws {
        let md = try PathGlob("**/*.{md,txt}")
        #expect(md.matches("a.md") && md.matches("x/y/z.txt") && !md.matches("a.swift"))
        #expect(try PathGlob("src/?.c").matches("src/a.c"))
        #expect(try !PathGlob("src/?.c").matches("src/ab.c"))
        #expect(try PathGlob("v[0-9].txt").matches("v7.txt"))
        #expect(try !PathGlob("v[!0-9].txt").matches("v7.txt"))
        #expect(try !PathGlob("src/*").matches("src/a/b"), "* stays in one component")
        #expect(try PathGlob("docs/").matches("docs/a/b.md"), "a trailing / is everything under")
        #expect(try PathGlob("**/Dockerfile", caseInsensitive: true).matches("infra/dockerfile"))
        #expect(try !PathGlob("**/Dockerfile").matches("infra/dockerfile"))
        #expect(caught { try PathGlob("a/[bc") }?.code == .invalidField)
        #expect(caught { try PathGlob("a/{b,c") }?.code == .invalidField)
        #expect(caught { try PathGlob("") }?.code == .invalidField)
    }
}

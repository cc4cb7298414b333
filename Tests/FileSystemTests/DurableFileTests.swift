import FileSystem
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// DurableFile against a real folder: contents, permission bits, replacing or refusing an existing
/// file, and no temporary file left behind whatever happens.
@Suite struct DurableFileTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }


    @Test func writesTheBytesWithExactlyTheModeAsked() throws {
        let path = directory.file("key")
        try DurableFile.write(Data("secret\n".utf8), to: path, mode: 0o600)
        #expect(FileManager.default.contents(atPath: path) == Data("secret\n".utf8))
        #expect(try permissions(path) == 0o600)
        try DurableFile.write(Data("public\n".utf8), to: directory.file("key.pub"), mode: 0o644)
        #expect(try permissions(directory.file("key.pub")) == 0o644)
        #expect(try names() == ["key", "key.pub"])
    }

    @Test func replacesAnExistingFileWhole() throws {
        let path = directory.file("answer.bundle")
        try DurableFile.write(Data(repeating: 1, count: 5000), to: path)
        try DurableFile.write(Data([2, 3]), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data([2, 3]))
        #expect(try names() == ["answer.bundle"])
    }

    @Test func refusesAnExistingFileAndLeavesItAlone() throws {
        let path = directory.file("station.key")
        try DurableFile.write(Data("first".utf8), to: path, existing: .refuse)
        #expect(throws: DurableFile.Failure(path: path, step: .link, code: EEXIST)) {
            try DurableFile.write(Data("second".utf8), to: path, existing: .refuse)
        }
        #expect(FileManager.default.contents(atPath: path) == Data("first".utf8))
        #expect(try names() == ["station.key"], "the temporary file is removed")
    }

    @Test func aFailedRenameLeavesNoTemporaryFile() throws {
        let path = directory.file("taken")
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        #expect(throws: DurableFile.Failure(path: path, step: .rename, code: EISDIR)) {
            try DurableFile.write(Data("x".utf8), to: path)
        }
        #expect(try names() == ["taken"])
    }

    @Test func aMissingFolderIsAFailedCreate() {
        let path = directory.file("gone/file")
        #expect(throws: DurableFile.Failure(path: path, step: .create, code: ENOENT)) {
            try DurableFile.write(Data("x".utf8), to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("gone")))
    }

    @Test func writesInChunksReportingProgress() throws {
        var reports: [[Int]] = []
        try DurableFile.write(Data(repeating: 7, count: 10), to: directory.file("stick"), chunk: 3) { written, total in
            reports.append([written, total])
        }
        #expect(reports == [[3, 10], [6, 10], [9, 10], [10, 10]])
        #expect(FileManager.default.contents(atPath: directory.file("stick")) == Data(repeating: 7, count: 10))
    }

    @Test(.needsRoot("mounting a tmpfs needs root"))
    func aFullDiskLeavesNoTemporaryFile() throws {
        let small = directory.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mounted = try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", small])
        try #require(mounted.status == 0, "mount failed: \(mounted.errorOutput)")
        defer { _ = try? runTool("/bin/umount", [small]) }
        let path = small + "/bundle"
        #expect(throws: DurableFile.Failure(path: path, step: .write, code: ENOSPC)) {
            try DurableFile.write(Data(repeating: 9, count: 256 * 1024), to: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: small) == [])
    }

    @Test func syncingAMissingFolderFails() {
        let path = directory.file("nowhere")
        #expect(throws: DurableFile.Failure(path: path, step: .openDirectory, code: ENOENT)) {
            try DurableFile.syncDirectory(path)
        }
    }
}

import ArgumentParser
@preconcurrency import Crypto
import Foundation
import TownCenter
import TownDesk

#if canImport(Glibc)
import Glibc
#endif

/// `towncenter archive`: the archive packages (档案) of archived cases.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Write and check archive packages (档案) of archived cases.",
        discussion: """
            A package is a folder: application-form.pdf, every notice as issued (notice-NN-KIND.pdf), answers.json, \
            audit.json and manifest.json (each file's SHA-256, the archive number, retention), signed with the center's \
            Ed25519 key in manifest.sig. Archiving a case from the desk (or `submissions archive`) writes its package \
            under DATA/archive/YEAR.
            """,
        subcommands: [Verify.self, Export.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check a package's signature and every file's SHA-256; name what was changed. Exit 1 when it does not verify.")
        @Argument(help: "The package's folder.") var package: String
        @Option(help: "The center's data directory: check the signature against its key (default: the key the manifest names).")
        var data: String?
        @Option(help: "The center's keys directory (with --data; default DATA-keys).") var keys: String?

        func run() throws {
            var key: Curve25519.Signing.PublicKey?
            if let data {
                do {
                    key = try Center.open(dataDirectory: data, keysDirectory: keys).keys.signer.verifier.key
                } catch {
                    throw fail(error)
                }
            }
            let outcome = ArchiveVerifier.verify(URL(fileURLWithPath: package), trusting: key)
            if let manifest = outcome.manifest {
                print("package \(manifest.archiveNumber): case \(manifest.receipt), \(manifest.files.count) files")
            }
            if key == nil && outcome.manifest != nil { print("note: checked against the key the manifest names; give --data to check it is the center's") }
            if outcome.isValid {
                print("verified: every file matches the signed manifest")
                return
            }
            for problem in outcome.problems { print("refused: \(problem)") }
            throw ExitCode(1)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the packages of every case archived in a year, with an index (index.csv, index.xlsx), for the county archive.")
        @OptionGroup var options: CenterOptions
        @Option(help: "The year the cases were archived in.") var year: Int
        @Option(help: "The folder to write into (created if missing).") var to: String
        @Option(help: "The accepting authority printed on the application forms, e.g. XX县新河镇人民政府.") var authority = ""

        func validate() throws {
            guard (2000...2099).contains(year) else { throw ValidationError("--year must be 2000–2099") }
        }

        func run() async throws {
            let center = try options.open()
            let bar = isatty(STDERR_FILENO) == 1
            let manifests: [ArchiveManifest]
            do {
                manifests = try await ArchiveExport.write(
                    year: year, into: URL(fileURLWithPath: to), packager: ArchivePackager(center: center, authority: authority), staff: nil
                ) { done, total, number in
                    guard bar else { return }
                    let width = 30, filled = total == 0 ? width : done * width / total
                    FileHandle.standardError.write(Data(
                        "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) \(number)\u{1B}[K".utf8))
                }
            } catch {
                if bar { FileHandle.standardError.write(Data("\n".utf8)) }
                printError(error.description)
                throw ExitCode(1)
            }
            if bar { FileHandle.standardError.write(Data("\n".utf8)) }
            print("\(to): \(manifests.count) packages archived in \(year), index.csv and index.xlsx")
        }
    }
}

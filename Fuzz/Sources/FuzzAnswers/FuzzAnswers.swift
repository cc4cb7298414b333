import CFuzzer
import Foundation
import KioskConfig
import KioskCore

/// The real catalog's forms, loaded once (kiosk-config/catalog of this checkout).
let forms: [Form] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    do {
        return try CatalogLoader.load(directory: root.appendingPathComponent("kiosk-config/catalog")).matters.map(\.form)
    } catch {
        fatalError("FuzzAnswers needs the real catalog: \(error)")
    }
}()

/// A fixed day (the end of a February), so the validator's age and date rules run the same every time.
let today = CalendarDate(year: 2026, month: 2, day: 28)!

/// libFuzzer entry: decodes the input as the kiosk's answers JSON and validates it against every real form.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let answers = try? AnswersJSON.decode(Data(bytes: data, count: size)) else { return 0 }
    for form in forms {
        _ = FormValidator.validate(answers, form: form, today: today)
    }
    return 0
}

/// Loads the catalog, then starts libFuzzer on `fuzz`.
@main
enum Main {
    static func main() {
        precondition(!forms.isEmpty, "the real catalog has no matters")
        exit(bianmin_run_fuzzer(CommandLine.argc, CommandLine.unsafeArgv))
    }
}

import Foundation

/// The kiosk's data files, kept at the top of the package: the string tables (`strings/LANGUAGE.json`,
/// every word a resident or an assistant reads on the kiosk, in each language) and the pinyin table
/// (`pinyin/hanzi-pinyin.json`). The desk's templates beside them (`desk/`) are read from disk instead.
public enum KioskResources {
    /// The file `name`.`ext` in `folder`, nil when the installation lacks it.
    public static func url(_ name: String, _ ext: String, in folder: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: ext, subdirectory: folder)
    }
}

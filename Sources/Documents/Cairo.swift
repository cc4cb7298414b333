import CPangoCairo
import Foundation
import QRCode

/// Why a document could not be rendered.
public enum DocumentError: Error, Equatable, CustomStringConvertible {
    /// The QR text does not fit the allowed symbol.
    case qrCode(QRCodeError)
    /// cairo reported an error status.
    case cairo(String)

    public var description: String {
        switch self {
        case let .qrCode(error): "QR code: \(error)"
        case let .cairo(status): "cairo: \(status)"
        }
    }
}

/// Font family for all documents (fonts-noto-cjk).
let fontFamily = "Noto Sans CJK SC"

/// Collects what cairo writes to a stream.
final class DataSink {
    var data = Data()

    /// A cairo write callback appending to the `DataSink` passed as closure data.
    static let write: cairo_write_func_t = { closure, bytes, length in
        guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
        Unmanaged<DataSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }

    var closure: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

func check(surface: OpaquePointer) throws(DocumentError) {
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
}

/// A PDF surface writing into memory, with its drawing context.
final class PDFCanvas {
    let sink = DataSink()
    let surface: OpaquePointer
    let cr: OpaquePointer

    init(width: Double, height: Double, title: String) throws(DocumentError) {
        surface = cairo_pdf_surface_create_for_stream(DataSink.write, sink.closure, width, height)
        cr = cairo_create(surface)
        try check(surface: surface)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Bianmin")
    }

    /// Finishes the document and returns the PDF bytes.
    func finish() throws(DocumentError) -> Data {
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        try check(surface: surface)
        return sink.data
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }
}

/// A wrapped paragraph laid out with pango for a given width.
final class TextBlock {
    let layout: OpaquePointer
    let height: Double
    let width: Double

    init(_ cr: OpaquePointer, _ text: String, size: Double, bold: Bool = false, width: Double,
         alignment: PangoAlignment = PANGO_ALIGN_LEFT)
    {
        layout = pango_cairo_create_layout(cr)
        let font = pango_font_description_from_string(bold ? "\(fontFamily) Bold" : fontFamily)
        pango_font_description_set_absolute_size(font, size * Double(PANGO_SCALE))
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, alignment)
        pango_layout_set_text(layout, text, -1)
        var logicalWidth: Int32 = 0
        var logicalHeight: Int32 = 0
        pango_layout_get_size(layout, &logicalWidth, &logicalHeight)
        self.width = Double(logicalWidth) / Double(PANGO_SCALE)
        self.height = Double(logicalHeight) / Double(PANGO_SCALE)
    }

    /// Draws the glyphs as filled outlines over the same text in white.
    ///
    /// cairo 1.16 subsets CFF fonts with their subroutines and drops some that a glyph needs: in a
    /// small subset of Noto Sans CJK SC Regular, 如 comes out blank. Outlines always print; the white
    /// text beneath keeps the PDF searchable (pdftotext) with the font embedded.
    func draw(_ cr: OpaquePointer, x: Double, y: Double) {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_new_path(cr)
        cairo_move_to(cr, x, y)
        pango_cairo_layout_path(cr, layout)
        cairo_fill(cr)
    }

    /// The text of each line as wrapped, in order.
    func lineTexts() -> [String] {
        let bytes = Array(String(cString: pango_layout_get_text(layout)).utf8)
        return (0..<pango_layout_get_line_count(layout)).compactMap { index in
            guard let line = pango_layout_get_line_readonly(layout, index)?.pointee else { return nil }
            let start = Int(line.start_index)
            return String(decoding: bytes[start..<min(start + Int(line.length), bytes.count)], as: UTF8.self)
        }
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

/// Light modules around a QR symbol in every rendering.
let quietZone = 4

/// Fills the quiet zone white and draws the dark modules as rectangles (horizontal runs merged);
/// (x, y) is the outer corner of the quiet zone.
func drawQR(_ cr: OpaquePointer, _ matrix: QRMatrix, x: Double, y: Double, module: Double) {
    let span = Double(matrix.size + 2 * quietZone) * module
    cairo_set_source_rgb(cr, 1, 1, 1)
    cairo_rectangle(cr, x, y, span, span)
    cairo_fill(cr)
    cairo_set_source_rgb(cr, 0, 0, 0)
    let origin = Double(quietZone) * module
    for row in 0..<matrix.size {
        var column = 0
        while column < matrix.size {
            guard matrix[column, row] else {
                column += 1
                continue
            }
            let start = column
            while column < matrix.size, matrix[column, row] { column += 1 }
            cairo_rectangle(
                cr, x + origin + Double(start) * module, y + origin + Double(row) * module,
                Double(column - start) * module, module)
        }
    }
    cairo_fill(cr)
}

/// A vertical piece of a page: measured before it is placed.
final class Block {
    let height: Double
    /// Keep on the same page as the next block (headings, table headers).
    let keepWithNext: Bool
    /// Drawn first when this block starts a new page (a table's header row).
    let repeatedHeader: Block?
    let draw: (_ y: Double) -> Void

    init(height: Double, keepWithNext: Bool = false, repeatedHeader: Block? = nil, draw: @escaping (Double) -> Void) {
        self.height = height
        self.keepWithNext = keepWithNext
        self.repeatedHeader = repeatedHeader
        self.draw = draw
    }

    /// Empty vertical space.
    static func gap(_ height: Double, keepWithNext: Bool = false) -> Block {
        Block(height: height, keepWithNext: keepWithNext) { _ in }
    }
}

public extension Documents {
    /// Renders the symbol as a PNG, `moduleSize` pixels per module, with a 4-module quiet zone.
    static func qrPNG(_ matrix: QRMatrix, moduleSize: Int = 8) throws(DocumentError) -> Data {
        let pixels = Int32((matrix.size + 2 * quietZone) * moduleSize)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixels, pixels)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        drawQR(cr, matrix, x: 0, y: 0, module: Double(moduleSize))
        cairo_surface_flush(surface)
        let sink = DataSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, DataSink.write, sink.closure)
        }
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
        return sink.data
    }
}

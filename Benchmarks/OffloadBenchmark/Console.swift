import Foundation

/// Writes progress straight to standard output, unbuffered, so that a run piped through `tee`
/// shows each figure as soon as it is measured rather than all at the end.
enum Console {
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

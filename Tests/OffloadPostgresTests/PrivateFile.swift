import Foundation

/// Writes a secret the way its owner must: readable by no one else (the store refuses anything looser).
func writePrivateFile(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    guard chmod(path, 0o600) == 0 else { throw POSIXError(.EPERM) }
}

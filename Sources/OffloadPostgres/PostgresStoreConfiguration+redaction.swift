extension PostgresStoreConfiguration {
    /// The variable a supervisor hands its workers the password of its URL in, rather than in their
    /// arguments: read right after a password in the URL itself.
    public static let handedDownPasswordVariable = PostgresPassword.handedDownVariable

    /// The URL with its password shown as `***`: what logs, status output and error messages print.
    ///
    /// A URL that no reading fits (so that the password's end is unsure) is not shown at all.
    public static func redacting(url: String) -> String {
        PostgresURL.read(url)?.redacted ?? "a PostgreSQL URL (not shown: it cannot be read, and may hold a password)"
    }

    /// The URL as written without its password, and the password (percent-decoded), for handing the two
    /// to another process separately: the URL in its arguments, which every user can read in `ps`, the
    /// password where only its owner can. A URL that cannot be read comes back unchanged, with no password.
    public static func removingPassword(fromURL url: String) -> (url: String, password: String?) {
        guard let reading = PostgresURL.read(url) else { return (url, nil) }
        return (reading.withoutPassword, reading.password)
    }
}

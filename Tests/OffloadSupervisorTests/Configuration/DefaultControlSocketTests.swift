import OffloadSupervisor
import Testing

@Suite("The default control socket")
struct DefaultControlSocketTests {
    @Test("lies next to a SQLite database, relative paths resolved from the working directory")
    func nextToTheSQLiteFile() {
        #expect(SupervisorSettings.defaultControlSocket(database: "/var/lib/offload/offload.sqlite3", environment: [:], workingDirectory: "/srv") == "/var/lib/offload/offload-supervisor.sock")
        #expect(SupervisorSettings.defaultControlSocket(database: "data/tasks.sqlite3", environment: [:], workingDirectory: "/srv/app") == "/srv/app/data/offload-supervisor.sock")
    }

    @Test("for a PostgreSQL URL, lies in systemd's runtime directory, else in the working directory, never inside the URL")
    func forAServerURL() {
        let url = "postgres://offload@db.internal:5432/app?sslmode=verify-full&schema=offload"
        #expect(SupervisorSettings.defaultControlSocket(database: url, environment: ["RUNTIME_DIRECTORY": "/run/offload:/run/other"], workingDirectory: "/srv") == "/run/offload/offload-supervisor.sock")
        #expect(SupervisorSettings.defaultControlSocket(database: url, environment: [:], workingDirectory: "/srv/app") == "/srv/app/offload-supervisor.sock")
    }
}

import Glibc

extension SpawnRequest {
    /// Checks the request before anything is spawned, so the common mistakes get a precise error
    /// ("not found at …", "is a directory", "is not executable") instead of a bare errno from `posix_spawn`.
    ///
    /// `posix_spawn` still reports what slips through (a file removed in between, a bad `#!` line).
    func validate() throws(ChildProcessError) {
        guard executable.hasPrefix("/") else {
            throw .invalidRequest(executable, "the executable path must be absolute (it is not looked up in PATH)")
        }
        for text in [executable] + arguments + (workingDirectory.map { [$0] } ?? []) where text.utf8.contains(0) {
            throw .invalidRequest(executable, "an argument or path contains a NUL byte, which C strings cannot carry")
        }
        for (key, value) in environment where key.isEmpty || key.utf8.contains(UInt8(ascii: "=")) || key.utf8.contains(0) || value.utf8.contains(0) {
            throw .invalidRequest(executable, "environment variable \"\(key)\" has an empty name, an \"=\" in its name, or a NUL byte")
        }
        for (childDescriptor, parentDescriptor) in extraDescriptors {
            guard childDescriptor >= 3 else {
                throw .invalidRequest(executable, "extra descriptor \(childDescriptor) would replace stdin, stdout or stderr; use numbers from 3 up")
            }
            guard fcntl(parentDescriptor, F_GETFD) != -1 else {
                throw .invalidRequest(executable, "descriptor \(parentDescriptor), to become \(childDescriptor) in the child, is not open in this process")
            }
        }
        if case .descriptors(let standardOutput, let standardError) = output {
            for descriptor in [standardOutput, standardError] where fcntl(descriptor, F_GETFD) == -1 {
                throw .invalidRequest(executable, "descriptor \(descriptor), to become the child's stdout or stderr, is not open in this process")
            }
        }
        try checkExecutable()
        if let workingDirectory {
            var info = stat()
            guard stat(workingDirectory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw .workingDirectoryNotFound(workingDirectory)
            }
        }
    }

    private func checkExecutable() throws(ChildProcessError) {
        var info = stat()
        guard stat(executable, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { throw .executableNotFound(executable) }
            throw .notExecutable(executable, "stat failed: \(errorText(error))", systemError: error)
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw .notExecutable(executable, "it is a directory, not a program", systemError: EACCES)
        }
        guard access(executable, X_OK) == 0 else {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            throw .notExecutable(executable, "the file is not executable by this user (mode \(mode)); run `chmod +x \(executable)` or point at the built binary", systemError: EACCES)
        }
    }
}

public let extrasVersion = 1

import Server

/// Prints a repository index response as a table.
func printIndex(_ response: InferenceClient.Response) throws {
    let entries = try decodeAnswer([ModelIndexEntry].self, from: response)
    let nameWidth = max(4, entries.map(\.name.count).max() ?? 0)
    print("NAME".padding(nameWidth), "VERSION", "STATE      ", "FILE / REASON")
    for entry in entries {
        let detail = entry.reason.isEmpty ? entry.file : "\(entry.file): \(entry.reason)"
        print(entry.name.padding(nameWidth), (entry.version ?? "-").padding(7), entry.state.padding(11), detail)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

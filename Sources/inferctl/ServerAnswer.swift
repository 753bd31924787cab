import ArgumentParser
import FoundationEssentials
import Server

/// Ends inferctl with one line on stderr unless `response` is a 200: its status and what the server
/// said went wrong.
func requireSuccess(_ response: InferenceClient.Response) throws {
    guard response.status == 200 else {
        printError("inferctl: HTTP \(response.status): \(response.errorMessage)")
        throw ExitCode(1)
    }
}

/// The JSON body of a 200 answer as `T`. Any other answer ends inferctl with one line: the server's
/// error, or the start of a body that is not the JSON expected (not a `DecodingError`'s coding path).
func decodeAnswer<T: Decodable>(_ type: T.Type, from response: InferenceClient.Response) throws -> T {
    try requireSuccess(response)
    do {
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    } catch {
        let text = response.errorMessage
        let excerpt = text.count > 200 ? text.prefix(200) + "…" : Substring(text)
        printError("inferctl: unexpected answer from inferd: \(excerpt.isEmpty ? "empty body" : excerpt)")
        throw ExitCode(1)
    }
}

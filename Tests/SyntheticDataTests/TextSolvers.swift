import XCTest
@testable import SyntheticData

/// Solvers that work from the generated TEXT only, with their own parsing and arithmetic, so that
/// they check the generators instead of repeating them.
enum TextSolver {
    struct GSMReading {
        var solved: Int          // value of the asked name, recomputed from the sentences
        var stated: Int?         // the number after `A:` (direct) or after the steps (worked)
        var stepsAgree: Bool     // every `name = v` of a worked solution equals the recomputed value
        var relationSentences: Int
    }

    /// Parses `Q: <sentences> how many [obj] does X have ?\nA: ...\n` and solves it mod p.
    static func solveGSM(_ text: String, modulus p: Int) -> GSMReading? {
        guard text.hasPrefix("Q: "), let aRange = text.range(of: "\nA: ") else { return nil }
        let question = text[text.index(text.startIndex, offsetBy: 3)..<aRange.lowerBound]
        let answerPart = text[aRange.upperBound...].trimmingCharacters(in: .newlines)
        var words = question.split(separator: " ").map(String.init)
        guard words.last == "?", let doesIdx = words.lastIndex(of: "does") else { return nil }
        let asked = words[doesIdx + 1]
        words = Array(words[..<words.lastIndex(of: "how")!])
        // name -> (reference or nil, op, number)
        var rules: [String: (String?, String, Int)] = [:]
        var relations = 0
        for sentence in words.split(separator: ".") {
            let s = Array(sentence)
            guard s.count >= 3, s[1] == "has", let n = Int(s[2]) else { return nil }
            if s.contains("more") { rules[s[0]] = (s.last!, "+", n); relations += 1 }
            else if s.contains("less") { rules[s[0]] = (s.last!, "-", n); relations += 1 }
            else if s.contains("times") { rules[s[0]] = (s.last!, "*", n); relations += 1 }
            else { rules[s[0]] = (nil, "=", n) }
        }
        var memo: [String: Int] = [:]
        func value(_ name: String, depth: Int = 0) -> Int? {
            if let v = memo[name] { return v }
            guard depth < 50, let (ref, op, n) = rules[name] else { return nil }
            var v: Int
            if let ref {
                guard let base = value(ref, depth: depth + 1) else { return nil }
                switch op {
                case "+": v = base + n
                case "-": v = base - n
                default: v = base * n
                }
            } else { v = n }
            v = ((v % p) + p) % p
            memo[name] = v
            return v
        }
        guard let solved = value(asked) else { return nil }
        let aw = answerPart.split(separator: " ").map(String.init)
        var stepsAgree = true
        if aw.first == "steps:" {
            var i = 1
            while i + 3 < aw.count, aw[i + 1] == "=" {
                if value(aw[i]) != Int(aw[i + 2]) { stepsAgree = false }
                i += 4
            }
        }
        return GSMReading(solved: solved, stated: aw.last.flatMap { Int($0) }, stepsAgree: stepsAgree,
                          relationSentences: relations)
    }

    /// A knowledge base read back from fact sentences (`X is Y .`, `C live in V .`, `C eat V .`,
    /// `C are V .`).
    struct KBReading {
        var parent: [String: String] = [:]
        var property: [String: [String: String]] = [:]

        mutating func read(fact line: String) {
            let w = line.split(separator: " ").map(String.init)
            guard w.last == "." else { return }
            if w.count == 4 && w[1] == "is" { parent[w[0]] = w[2] }
            else if w.count == 5 && w[1] == "live" && w[2] == "in" { property[w[0], default: [:]]["live"] = w[3] }
            else if w.count == 4 && w[1] == "eat" { property[w[0], default: [:]]["eat"] = w[2] }
            else if w.count == 4 && w[1] == "are" { property[w[0], default: [:]]["color"] = w[2] }
        }

        /// What `solve(question:)` read: the letter computed by walking the links, the letter
        /// stated in the text, the nodes walked (subject first, the node with the property last)
        /// and the `X is Y .` links stated in the question itself (`kb.bridges` = context).
        struct Answer { var computed: String; var stated: String; var path: [String]; var links: [String: String] }

        /// Answers `Q: [X is Y .]* question ?\n(A) ...\nA: ...` by walking the question's own links,
        /// then the facts read so far.
        func solve(question text: String) -> Answer? {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.count >= 3, lines[0].hasPrefix("Q: ") else { return nil }
            var q = Array(lines[0].split(separator: " ").map(String.init).dropFirst())
            var links: [String: String] = [:]
            while q.count >= 4 && q[1] == "is" && q[3] == "." {
                guard links[q[0]] == nil else { return nil }
                links[q[0]] = q[2]
                q.removeFirst(4)
            }
            guard q.count >= 4 else { return nil }
            let subject: String, relation: String
            if q[0] == "where" { subject = q[2]; relation = "live" }
            else if q[1] == "color" { subject = q[3]; relation = "color" }
            else { subject = q[2]; relation = "eat" }
            var options: [String: String] = [:]
            var answerLine = ""
            for l in lines.dropFirst() {
                if l.hasPrefix("("), l.count > 4 {
                    let letter = String(l[l.index(after: l.startIndex)])
                    options[String(l.dropFirst(4))] = letter
                } else if l.hasPrefix("A: ") { answerLine = l }
            }
            var path = [subject]
            while property[path.last!]?[relation] == nil {
                guard let p = links[path.last!] ?? parent[path.last!], path.count < 10 else { return nil }
                path.append(p)
            }
            guard let value = property[path.last!]?[relation], let letter = options[value] else { return nil }
            let stated = String(answerLine.split(separator: " ").last ?? "")
            return Answer(computed: letter, stated: stated, path: path, links: links)
        }
    }
}

/// Splits a row into documents (by `<sep>`, dropping `<pad>`), each decoded to text.
func documents(_ row: [Int], _ v: Vocabulary) -> [[Int]] {
    row.split(separator: v.separator).map { Array($0.filter { $0 != v.pad }) }.filter { !$0.isEmpty }
}

/// Default configuration with both worlds in every corpus (so leakage checks see both).
func bothWorldsConfig(hops: Int = 2, packing: Packing = .unpacked) -> DataConfig {
    var c = DataConfig()
    c.kb.hops = hops
    c.corpus.base = .bothRecipe
    c.corpus.reasoning = CorpusMixture(gsmWorked: 0.1, gsmDirect: 0.4, arithmeticFact: 0.1,
                                       kbFact: 0.1, kbWorked: 0.1, kbDirect: 0.2)
    c.corpus.generic = CorpusMixture(gsmDirect: 0.05, arithmeticFact: 0.3, gsmStory: 0.3,
                                     kbFact: 0.3, kbOneHop: 0.05)
    c.corpus.warmup = CorpusMixture(arithmeticFact: 0.5, kbFact: 0.5)
    c.corpus.packing = packing
    return c
}

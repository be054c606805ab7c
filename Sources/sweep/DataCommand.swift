import ArgumentParser
import Experiments
import Foundation
import SyntheticData

/// `sweep data gsm|csqa|corpus`: print samples of the synthetic data.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Print samples of the synthetic data (GSM-style problems, multiple-choice questions, corpus rows).",
        subcommands: [GSM.self, CSQA.self, CorpusRows.self])

    struct Common: ParsableArguments {
        @Option(help: "Sampling seed.") var seed: UInt64 = 0
        @Option(help: "Number of samples.") var count: Int = 5
        @Option(help: ArgumentHelp(
            "Data configuration: a JSON data block, a run's saved <id>.json or an experiment file (its base.data).",
            discussion: "Merged over the defaults key by key, as experiment files are: a corpus mixture keeps the default weights of kinds it leaves out."))
        var config: String?
        @Option(help: ArgumentHelp(
            "With an experiment file as --config: the data of this run (an id as `sweep <file> --dry-run` lists it), its sweep applied.",
            valueName: "run-id"))
        var run: String?

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be >= 1 (got \(count))") }
            if run != nil, config == nil {
                throw ValidationError("--run needs --config <experiment file> (the file whose run it is)")
            }
        }

        func vocabulary() throws -> Vocabulary {
            guard let config else { return try Vocabulary(config: DataConfig()) }
            if let run { return try Vocabulary(config: DataConfigFile.load(file: config, run: run)) }
            let varied = try DataConfigFile.variedFields(file: config)
            if !varied.isEmpty {
                FileHandle.standardError.write(Data((
                    "note: \(config) varies \(varied.joined(separator: ", ")) over its runs; showing its base.data. "
                    + "Pass --run <run-id> for one run's data (`sweep \(config) --dry-run` lists the ids).\n").utf8))
            }
            return try Vocabulary(config: DataConfigFile.load(file: config))
        }
    }

    struct GSM: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "GSM-style chain problems.")
        @OptionGroup var common: Common
        @Option(help: "Text form: worked, direct or story.") var format: String = "worked"
        @Option(help: "Number of operations k (default: uniform over the configured range).") var k: Int?
        @Flag(help: "Draw from the held-out (evaluation) split.") var heldOut = false
        @Flag(help: ArgumentHelp(
            "Instead of samples: for each k, how many problem skeletons the train and held-out splits have.",
            discussion: "A skeleton is a problem's start value, operations and operands; names and distractors do not count. "
                + "The splits are by skeleton, so an evaluation set of k operations draws from the held-out ones only."))
        var splits = false

        func validate() throws {
            guard GSMFormat(rawValue: format) != nil else {
                throw ValidationError("--format must be one of worked, direct, story (got \(format))")
            }
        }

        func run() throws {
            let v = try common.vocabulary()
            let gen = try GSMGenerator(config: v.config.gsm)
            if let k, !v.config.gsm.stepRange.contains(k) {
                throw ValidationError("--k must be in \(v.config.gsm.stepRange) (got \(k))")
            }
            if splits {
                let limit = 10_000_000
                for k in v.config.gsm.stepRange where self.k == nil || self.k == k {
                    let (train, held) = GSMSkeleton.countSplit(config: v.config.gsm, k: k, limit: limit)
                    if let total = GSMSkeleton.count(config: v.config.gsm, k: k), total <= limit {
                        print("k = \(k): \(total) skeletons, \(train) train, \(held) held out")
                    } else {
                        print("k = \(k): more than \(limit) skeletons; of the first \(limit), \(train) train, \(held) held out")
                    }
                }
                return
            }
            var rng = SplitMix64(seed: common.seed)
            for _ in 0..<common.count {
                let split: Split = heldOut ? .heldOut : .train
                let p = k.map { gen.problem(k: $0, split: split, using: &rng) }
                    ?? gen.problem(split: split, using: &rng)
                let ids = try v.encode(words: p.words(GSMFormat(rawValue: format)!))
                print("# k = \(p.k), answer = \(p.answer), \(ids.count) tokens")
                print(v.decode(ids))
            }
        }
    }

    struct CSQA: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "CommonsenseQA-style questions.")
        @OptionGroup var common: Common
        @Option(help: "Text form: worked or direct.") var format: String = "worked"
        @Option(help: "Question level 1 ... hops (default: hops).") var level: Int?
        @Flag(help: "Draw from the held-out (evaluation) split.") var heldOut = false

        func validate() throws {
            guard CSQAFormat(rawValue: format) != nil else {
                throw ValidationError("--format must be one of worked, direct (got \(format))")
            }
        }

        func run() throws {
            let v = try common.vocabulary()
            let hops = v.config.kb.hops
            let lv = level ?? hops
            guard (1...hops).contains(lv) else { throw ValidationError("--level must be in 1...\(hops) (got \(lv))") }
            let gen = CSQAGenerator(knowledgeBase: v.knowledgeBase)
            var rng = SplitMix64(seed: common.seed)
            for _ in 0..<common.count {
                let q = gen.question(level: lv, split: heldOut ? .heldOut : .train, using: &rng)
                let ids = try v.encode(words: q.words(CSQAFormat(rawValue: format)!))
                print("# level \(q.level), bridge \(q.chain.joined(separator: " -> ")), answer \(q.answerLetter)")
                print(v.decode(ids))
            }
        }
    }

    struct CorpusRows: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "corpus", abstract: "Rows of a training corpus, as the trainer sees them.")
        @OptionGroup var common: Common
        @Option(help: "Corpus: base, reasoning, generic or warmup.") var kind: String = "base"
        @Option(help: "Row length in tokens.") var length: Int = 64
        @Option(help: "Batch index.") var batch: Int = 0
        @Option(help: "Packing (default: the configuration's data.corpus.packing; a run with train.packing trains on that instead).")
        var packing: Packing?

        func validate() throws {
            guard CorpusKind(rawValue: kind) != nil else {
                throw ValidationError("--kind must be one of base, reasoning, generic, warmup (got \(kind))")
            }
            guard length >= 2 else { throw ValidationError("--length must be >= 2 (got \(length))") }
        }

        func run() throws {
            let v = try common.vocabulary()
            let kind = CorpusKind(rawValue: kind)!  // checked in validate()
            let corpus = try Corpus(kind: kind, vocabulary: v, seed: common.seed, packing: packing)
            print("# vocabulary \(v.count) tokens, packing \(corpus.packing.rawValue), \(kind.rawValue) corpus: "
                  + v.config.corpus.mixture(kind).summary)
            for (i, row) in corpus.batch(index: batch, size: common.count, length: length).enumerated() {
                print("# row \(i)")
                print(v.decode(row))
            }
        }
    }
}

extension Packing: ExpressibleByArgument {}

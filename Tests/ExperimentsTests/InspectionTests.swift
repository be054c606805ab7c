import Foundation
import QuietSTaR
import SyntheticData
import TensorCore
import XCTest
@testable import Experiments

/// `sweep think` and `sweep generate` on the fixture run: the thoughts shown are the ones the
/// predictions used, and generation keeps thoughts out of the text.
final class InspectionTests: XCTestCase {
    /// The fixture run with a mixing head that gives the thought a large share (the trained head
    /// barely moved in 4 steps), so that a wrong thought would show in the probabilities.
    func thinkingRun() throws -> TrainedRun {
        let (results, id) = TrainedRunFixture.trained
        let run = try TrainedRun.load(id, results: results)
        run.model.mixingHead.layers.last!.bias!.data = [0.6]
        return run
    }

    /// The fixture run with random weight matrices (the tiny trained model writes one thought for
    /// every item of a set, which would make another item's thought the same as the own one) and a
    /// mixing head whose weight depends on the states it mixes (the fixture's is nearly constant).
    func noisyRun() throws -> TrainedRun {
        let run = try thinkingRun()
        var noise = RNG(seed: 7)
        for (_, p) in run.model.gpt.namedParameters where p.rank >= 2 { for i in p.data.indices { p.data[i] = noise.normal() } }
        let head = run.model.mixingHead.layers.last!.weight
        for i in head.data.indices { head.data[i] = 0.1 * noise.normal() }
        return run
    }

    func testShownThoughtsReproduceTheShownProbabilities() throws {
        let run = try thinkingRun()
        let tokens = try run.encode(TrainedRunTests.problem)
        for decoding in [QuietSTaRConfig.ThoughtDecoding.greedy, .sampled] {
            let shown = try ThoughtInspection.inspect(run, tokens: tokens, decoding: decoding, seed: 3)
            XCTAssertEqual(shown.positions.count, tokens.count)
            var changed = 0, worst = 0.0
            for p in shown.positions {
                XCTAssertEqual(p.thought.count, 3)
                XCTAssertEqual(p.mixingWeight, 0.6, accuracy: 0.05)
                let replay = ThoughtReplay.predict(run.model, text: tokens, position: p.index, thought: p.thought)
                XCTAssertEqual(replay.thoughtWeight, Double(p.mixingWeight), accuracy: 1e-5)
                guard let next = p.next, let mixed = p.logpMixed, let base = p.logpBase else {
                    XCTAssertEqual(p.index, tokens.count - 1); continue
                }
                XCTAssertEqual(replay.mixedLogProbs[next], mixed, accuracy: 1e-5, "\(decoding) position \(p.index)")
                worst = max(worst, abs(replay.mixedLogProbs[next] - mixed))
                XCTAssertEqual(replay.baseLogProbs[next], base, accuracy: 1e-5)
                XCTAssertEqual(p.deltaLogp!, mixed - base, accuracy: 1e-12)
                // A different thought gives a different prediction: the check above can fail.
                let other = p.thought.map { $0 == 5 ? 6 : 5 }
                let wrong = ThoughtReplay.predict(run.model, text: tokens, position: p.index, thought: other)
                if abs(wrong.mixedLogProbs[next] - mixed) > 1e-4 { changed += 1 }
            }
            print("replay: largest difference \(worst); a different thought moved log p by > 1e-4 at \(changed) of \(tokens.count - 1)")
            XCTAssertGreaterThan(changed, (tokens.count - 1) / 2, "the replay is sensitive to the thought")
        }
        // Sampled thoughts depend on the seed, greedy ones do not.
        let s1 = try ThoughtInspection.inspect(run, tokens: tokens, decoding: .sampled, seed: 1)
        let s2 = try ThoughtInspection.inspect(run, tokens: tokens, decoding: .sampled, seed: 2)
        XCTAssertNotEqual(s1.positions.map(\.thought), s2.positions.map(\.thought))
        XCTAssertEqual(try ThoughtInspection.inspect(run, tokens: tokens, decoding: .sampled, seed: 1).positions, s1.positions)
    }

    /// `evaluate(thoughts:)`: own = the plain evaluation bit for bit; foreign = each item after the
    /// next item's own thought, shuffled = after its own thought permuted by `shuffledThought`, and
    /// pause = after t pause tokens, checked item by item against the independent dense replay.
    func testForeignAndPauseThoughtsMatchTheReplay() throws {
        let run = try noisyRun()
        let evaluator = Evaluator(experiment: run.experiment, vocabulary: run.vocabulary)
        let scored = evaluator.evaluate(run.model, pad: run.vocabulary.pad, thoughts: [.foreign, .shuffled, .pause])
        XCTAssertEqual(scored[.own], evaluator.evaluate(run.model, pad: run.vocabulary.pad))
        let t = run.model.config.thoughtLength
        var compared = 0, moved = 0, reordered = 0
        for (number, set) in evaluator.sets.enumerated() where number % 3 == 0 {
            var rng = RNG(seed: 0)
            let own = set.items.map { run.model.predictLastWithThoughts(prompts: [$0.prompt], decoding: .greedy, using: &rng).thoughts[0] }
            func soft(_ item: EvalItem, _ thought: [Int]) -> Double {
                let p = ThoughtReplay.predict(run.model, text: item.prompt, position: item.prompt.count - 1, thought: thought)
                return Evaluator.answerScore(item, answer: item.answer[0]) { p.mixedLogProbs[$0] }.soft
            }
            func weight(_ item: EvalItem, _ thought: [Int]) -> Double {
                ThoughtReplay.predict(run.model, text: item.prompt, position: item.prompt.count - 1, thought: thought).thoughtWeight
            }
            let n = set.items.count
            let foreign = set.items.indices.map { soft(set.items[$0], own[($0 + 1) % n]) }.reduce(0, +) / Double(n)
            let paused = set.items.map { soft($0, [Int](repeating: run.model.config.pauseToken, count: t)) }.reduce(0, +) / Double(n)
            let shuffledThoughts = own.indices.map { Evaluator.shuffledThought(own[$0], seed: evaluator.seed, set: number, item: $0) }
            let shuffled = set.items.indices.map { soft(set.items[$0], shuffledThoughts[$0]) }.reduce(0, +) / Double(n)
            let ownSoft = set.items.indices.map { soft(set.items[$0], own[$0]) }.reduce(0, +) / Double(n)
            XCTAssertEqual(scored[.own]!.sets[number].soft, ownSoft, accuracy: 1e-5, set.name)
            XCTAssertEqual(scored[.foreign]!.sets[number].soft, foreign, accuracy: 1e-5, set.name)
            XCTAssertEqual(scored[.pause]!.sets[number].soft, paused, accuracy: 1e-5, set.name)
            XCTAssertEqual(scored[.shuffled]!.sets[number].soft, shuffled, accuracy: 1e-5, set.name)
            // The mean thought weight at the answer, per source.
            let ownWeight = set.items.indices.map { weight(set.items[$0], own[$0]) }.reduce(0, +) / Double(n)
            let pauseWeight = set.items.map { weight($0, [Int](repeating: run.model.config.pauseToken, count: t)) }.reduce(0, +) / Double(n)
            XCTAssertEqual(scored[.own]!.sets[number].weight, ownWeight, accuracy: 1e-5, set.name)
            XCTAssertEqual(scored[.pause]!.sets[number].weight, pauseWeight, accuracy: 1e-5, set.name)
            XCTAssertNotEqual(ownWeight, pauseWeight, accuracy: 1e-4, "the weight depends on the thought: the check can fail")
            compared += 1
            if abs(foreign - ownSoft) > 1e-4 { moved += 1 }
            if abs(shuffled - ownSoft) > 1e-4 { reordered += 1 }
        }
        XCTAssertEqual(compared, 2)
        XCTAssertGreaterThan(moved, 0, "another item's thought changes the scores: the check can fail")
        XCTAssertGreaterThan(reordered, 0, "the shuffled thought changes the scores: the check can fail")
        let table = try SavedRunEvaluation.evaluate(run, foreignThoughts: true).table()
        XCTAssertTrue(table.contains("foreign = the thought it wrote for the next item of the set, shuffled = its own thought "
                                     + "in a random order, pause = \(t) pause tokens"), table)
        XCTAssertTrue(table.contains(String(format: "thought weight (the thought's share of the mixed prediction at the answer, mean): gsm %.3f, csqa %.3f",
                                            scored[.own]!.gsmWeight, scored[.own]!.csqaWeight)), table)
        XCTAssertFalse(try SavedRunEvaluation.evaluate(run).table().contains("foreign"))
    }

    /// Answers of two tokens (`eval.answerIncludesNewline`) take the dense path: the soft score is
    /// the product over the answer tokens and the thought weight the mean over them, checked item by
    /// item against the dense replay after the greedy thought at each answer position.
    func testTwoTokenAnswersMatchTheReplay() throws {
        let run = try noisyRun()
        var e = run.experiment
        e.data.eval.answerIncludesNewline = true
        e.eval.itemsPerSet = 4
        e.data.eval.itemsPerSet = 4
        let vocabulary = try Vocabulary(config: e.data)
        let evaluator = Evaluator(experiment: e, vocabulary: vocabulary)
        let scored = evaluator.evaluate(run.model, pad: vocabulary.pad)
        var weights = Set<Double>()
        for (number, set) in evaluator.sets.enumerated() {
            XCTAssertTrue(set.items.allSatisfy { $0.answer.count == 2 }, set.name)
            var soft = 0.0, weight = 0.0
            var rng = RNG(seed: 0)
            for item in set.items {
                var p = 1.0
                for (a, answer) in item.answer.enumerated() {
                    let text = item.prompt + item.answer[..<a]
                    let thought = run.model.predictLastWithThoughts(prompts: [text], decoding: .greedy, using: &rng).thoughts[0]
                    let r = ThoughtReplay.predict(run.model, text: text, position: text.count - 1, thought: thought)
                    p *= Evaluator.answerScore(item, answer: answer) { r.mixedLogProbs[$0] }.soft
                    weight += r.thoughtWeight / Double(item.answer.count)
                    weights.insert((r.thoughtWeight * 1e4).rounded())
                }
                soft += p
            }
            let n = Double(set.items.count)
            XCTAssertEqual(scored.sets[number].soft, soft / n, accuracy: 1e-5, set.name)
            XCTAssertEqual(scored.sets[number].weight, weight / n, accuracy: 1e-5, set.name)
        }
        XCTAssertGreaterThan(weights.count, 2, "the weight varies from position to position: averaging errors can show")
    }

    /// `--thought`: every item scored after one given thought, checked against the dense replay; a
    /// thought of the wrong length is refused with the run's t in the message.
    func testGivenThoughtMatchesTheReplay() throws {
        let run = try noisyRun()
        let t = run.model.config.thoughtLength
        let words = Array(repeating: "bob", count: t - 1) + ["."]
        let evaluation = try SavedRunEvaluation.evaluate(run, givenThought: words.joined(separator: " "))
        let given = try XCTUnwrap(evaluation.withGivenThought)
        let thought = try run.encode(words.joined(separator: " "))
        let evaluator = Evaluator(experiment: run.experiment, vocabulary: run.vocabulary)
        var moved = 0
        for (number, set) in evaluator.sets.enumerated() where number % 3 == 0 {
            let soft = set.items.map { item -> Double in
                let p = ThoughtReplay.predict(run.model, text: item.prompt, position: item.prompt.count - 1, thought: thought)
                return Evaluator.answerScore(item, answer: item.answer[0]) { p.mixedLogProbs[$0] }.soft
            }.reduce(0, +) / Double(set.items.count)
            XCTAssertEqual(given.sets[number].soft, soft, accuracy: 1e-5, set.name)
            if abs(soft - evaluation.withThoughts.sets[number].soft) > 1e-4 { moved += 1 }
        }
        XCTAssertGreaterThan(moved, 0, "the given thought changes the scores: the check can fail")
        XCTAssertEqual(evaluation.withThoughts, try SavedRunEvaluation.evaluate(run).withThoughts)
        XCTAssertTrue(evaluation.table().contains("given = \"\(words.joined(separator: " "))\" before every item"), evaluation.table())
        XCTAssertThrowsError(try SavedRunEvaluation.evaluate(run, givenThought: "bob .")) { error in
            XCTAssertTrue("\(error)".contains("2 token(s)") && "\(error)".contains("t = \(t)"), "\(error)")
        }
    }

    /// `--thought-weights`: the own thoughts scored with the mixing head replaced by fixed shares.
    /// Twin: a head whose output is that share everywhere (last layer zero, bias the share, or its
    /// logit under a sigmoid) scores the same; share 0 gives the base scores; an out-of-range weight
    /// is refused.
    func testFixedThoughtWeightsMatchAConstantHead() throws {
        let run = try noisyRun()
        let shares: [Float] = [0, 0.3, 1]
        let evaluation = try SavedRunEvaluation.evaluate(run, thoughtShares: shares)
        XCTAssertEqual(evaluation.withFixedShares.count, 3)
        XCTAssertEqual(evaluation.withThoughts, try SavedRunEvaluation.evaluate(run).withThoughts)
        // Share 0 mixes base * 1 + thought * 0, the base state exactly.
        XCTAssertEqual(evaluation.withFixedShares[0], evaluation.withoutThoughts)
        let own = evaluation.withThoughts.sets.map(\.soft), alone = evaluation.withFixedShares[2].sets.map(\.soft)
        XCTAssertGreaterThan(zip(own, alone).filter { abs($0 - $1) > 1e-4 }.count, 0, "share 1 moves the scores: the check can fail")
        let head = run.model.mixingHead.layers.last!
        for (j, share) in shares.enumerated() where share > 0 && share < 1 {
            for i in head.weight.data.indices { head.weight.data[i] = 0 }
            head.bias!.data = [run.model.config.mixingActivation == .sigmoid ? Foundation.log(share / (1 - share)) : share]
            let constant = try SavedRunEvaluation.evaluate(run).withThoughts
            // The constant head outputs 0 * h + bias, the share exactly: the same scores bit for bit.
            XCTAssertEqual(evaluation.withFixedShares[j], constant, "at \(share)")
        }
        let table = evaluation.table()
        XCTAssertTrue(table.contains("fixed thought weight, soft score") && table.contains("fixed thought weight, exact match"), table)
        XCTAssertTrue(table.contains("w=0.3"), table)
        XCTAssertThrowsError(try SavedRunEvaluation.evaluate(run, thoughtShares: [1.5])) { error in
            XCTAssertTrue("\(error)".contains("--thought-weights") && "\(error)".contains("0 ... 1"), "\(error)")
        }
    }

    /// `Evaluator.score`: the evaluation item by item. Each set's mean of the items is the
    /// evaluation's score of the set (own thought and fixed shares), and each item's own score and
    /// weight is the dense replay's after its greedy thought.
    func testItemScoresAreTheEvaluationItemByItem() throws {
        let run = try noisyRun()
        let evaluator = Evaluator(experiment: run.experiment, vocabulary: run.vocabulary)
        let pad = run.vocabulary.pad
        let all = evaluator.score(run.model, pad: pad, thoughts: [.own], fixedShares: [1, 0])
        let items = (own: all.ownItems, byShare: all.shareItems)
        // The item lists come with the results of the same pass, and those are `evaluate`'s.
        let scored = evaluator.evaluate(run.model, pad: pad, thoughts: [.own], fixedShares: [1, 0])
        XCTAssertEqual(all.bySource, scored.bySource)
        XCTAssertEqual(all.byShare, scored.byShare)
        XCTAssertEqual(items.own.count, evaluator.sets.count)
        XCTAssertEqual(items.byShare.count, 2)
        func mean(_ xs: [Evaluator.ItemScore], _ key: KeyPath<Evaluator.ItemScore, Double>) -> Double {
            xs.map { $0[keyPath: key] }.reduce(0, +) / Double(xs.count)
        }
        let results = [scored.bySource[.own]!] + scored.byShare
        for (number, set) in evaluator.sets.enumerated() {
            for (list, result) in zip([items.own[number], items.byShare[0][number], items.byShare[1][number]], results) {
                XCTAssertEqual(list.count, set.items.count, set.name)
                XCTAssertEqual(mean(list, \.soft), result.sets[number].soft, accuracy: 1e-12, set.name)
                XCTAssertEqual(mean(list, \.exact), result.sets[number].exact, accuracy: 1e-12, set.name)
                XCTAssertEqual(mean(list, \.weight), result.sets[number].weight, accuracy: 1e-12, set.name)
            }
        }
        var checked = 0, softs = Set<Double>(), weights = Set<Double>()
        for (number, set) in evaluator.sets.enumerated() where number % 3 == 0 {
            var rng = RNG(seed: 0)
            for (i, item) in set.items.enumerated() {
                let thought = run.model.predictLastWithThoughts(prompts: [item.prompt], decoding: .greedy, using: &rng).thoughts[0]
                let p = ThoughtReplay.predict(run.model, text: item.prompt, position: item.prompt.count - 1, thought: thought)
                let score = Evaluator.answerScore(item, answer: item.answer[0]) { p.mixedLogProbs[$0] }
                XCTAssertEqual(items.own[number][i].soft, score.soft, accuracy: 1e-5, "\(set.name) item \(i)")
                XCTAssertEqual(items.own[number][i].weight, p.thoughtWeight, accuracy: 1e-5, "\(set.name) item \(i)")
                checked += 1
                softs.insert((score.soft * 1e4).rounded())
                weights.insert((p.thoughtWeight * 1e4).rounded())
            }
        }
        XCTAssertGreaterThan(checked, 2)
        XCTAssertGreaterThan(softs.count, 2, "the items' scores differ: an item in the wrong place would show")
        XCTAssertGreaterThan(weights.count, 2, "the items' weights differ: an item in the wrong place would show")
    }

    /// `ThoughtCorrectness` on items made by hand: the four groups, their means, the hindsight pick;
    /// `split` pools a task's sets and leaves out sets without fixed-share scores.
    func testThoughtCorrectnessGroupsItemsByWhoIsRight() {
        typealias S = Evaluator.ItemScore
        // Items: thought right / base wrong (2), both right (1), thought wrong / base right (1), both wrong (1).
        let mix = [S(soft: 0.6, exact: 1, weight: 0.5), S(soft: 0.4, exact: 0, weight: 0.3), S(soft: 0.9, exact: 1, weight: 0.2),
                   S(soft: 0.5, exact: 1, weight: 0.1), S(soft: 0.1, exact: 0, weight: 0.7)]
        let thought = [S(soft: 0.8, exact: 1, weight: 1), S(soft: 0.7, exact: 1, weight: 1), S(soft: 0.95, exact: 1, weight: 1),
                       S(soft: 0.2, exact: 0, weight: 1), S(soft: 0.3, exact: 0, weight: 1)]
        let base = [S(soft: 0.3, exact: 0, weight: 0), S(soft: 0.2, exact: 0, weight: 0), S(soft: 0.97, exact: 1, weight: 0),
                    S(soft: 0.6, exact: 1, weight: 0), S(soft: 0.1, exact: 0, weight: 0)]
        let c = ThoughtCorrectness(task: .gsm, mix: mix, thought: thought, base: base)
        XCTAssertEqual(c.items, 5)
        XCTAssertEqual(c.groups.map(\.items), [2, 1, 1, 1])
        XCTAssertEqual(c.groups.map(\.thoughtRight), [true, true, false, false])
        XCTAssertEqual(c.groups.map(\.baseRight), [false, true, true, false])
        XCTAssertEqual(c.groups[0].weight, 0.4, accuracy: 1e-12)
        XCTAssertEqual(c.groups[0].mixSoft, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.groups[0].mixExact, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.groups[0].thoughtSoft, 0.75, accuracy: 1e-12)
        XCTAssertEqual(c.groups[0].baseSoft, 0.25, accuracy: 1e-12)
        XCTAssertEqual(c.groups[2].weight, 0.1, accuracy: 1e-12)
        XCTAssertEqual(c.groups[3].weight, 0.7, accuracy: 1e-12)
        // Per item the higher soft: 0.8, 0.7, 0.97 (base), 0.6 (base), 0.3; exact 1, 1, 1, 1, 0.
        XCTAssertEqual(c.hindsightSoft, (0.8 + 0.7 + 0.97 + 0.6 + 0.3) / 5, accuracy: 1e-12)
        XCTAssertEqual(c.hindsightExact, 0.8, accuracy: 1e-12)
        let empty = ThoughtCorrectness(task: .csqa, mix: [], thought: [], base: [])
        XCTAssertTrue(empty.groups.allSatisfy { $0.items == 0 && $0.weight.isNaN })

        let tasks: [EvalTask] = [.gsm, .gsm, .csqa, .csqa]
        let own = [Array(mix[0..<2]), Array(mix[2..<5]), [mix[0]], [mix[1]]]
        let alone = [Array(thought[0..<2]), Array(thought[2..<5]), [thought[0]], []]
        let bases = [Array(base[0..<2]), Array(base[2..<5]), [base[0]], []]
        let splits = ThoughtCorrectness.split(tasks: tasks, own: own, thoughtAlone: alone, base: bases)
        XCTAssertEqual(splits.map(\.task), [.gsm, .csqa])
        XCTAssertEqual(splits[0], c)
        XCTAssertEqual(splits[1].items, 1, "the set without fixed-share scores is left out")
        let perSet = ThoughtCorrectness.perSet(tasks: tasks, names: ["gsm-k1", "gsm-k2", "csqa-hop1", "csqa-hop2"], own: own,
                                               thoughtAlone: alone, base: bases)
        XCTAssertEqual(perSet.map(\.name), ["gsm-k1", "gsm-k2", "csqa-hop1"], "the set without fixed-share scores is left out")
        // (Compared as text: its empty group's means are NaN, which no NaN equals.)
        XCTAssertEqual("\(perSet[1])", "\(ThoughtCorrectness(task: .gsm, name: "gsm-k2", mix: own[1], thought: alone[1], base: bases[1]))")
        XCTAssertEqual(perSet[1].groups.map(\.items), [0, 1, 1, 1])
        let lines = ThoughtCorrectness.lines(splits + perSet)
        let text = lines.joined(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("gsm ") && $0.contains("right  wrong") }.count, 1, text)
        XCTAssertEqual(lines.filter { $0.hasPrefix("gsm-k2 ") && $0.contains("wrong  right") }.count, 1, text)
        XCTAssertTrue(lines.contains { $0.hasPrefix("csqa ") && $0.contains("hindsight") && $0.contains("of 1 items") }, text)
    }

    /// `sweep eval --by-correctness` on the fixture run: the groups hold every item of each task, and
    /// their weights and mixed scores average back to the run's evaluation.
    func testByCorrectnessAveragesBackToTheEvaluation() throws {
        let run = try noisyRun()
        let evaluation = try SavedRunEvaluation.evaluate(run, byCorrectness: true)
        XCTAssertEqual(evaluation.withThoughts, try SavedRunEvaluation.evaluate(run).withThoughts)
        XCTAssertTrue(try SavedRunEvaluation.evaluate(run).byCorrectness.isEmpty)
        // Its shares 1 and 0 ride in the same pass as the caller's, which come out unchanged.
        let withShares = try SavedRunEvaluation.evaluate(run, thoughtShares: [0.3], byCorrectness: true)
        XCTAssertEqual(withShares.withFixedShares, try SavedRunEvaluation.evaluate(run, thoughtShares: [0.3]).withFixedShares)
        XCTAssertEqual("\(withShares.byCorrectness)", "\(evaluation.byCorrectness)")
        // The fixture's base model saw only the GSM-style world: its CSQA-style sets are left out of the
        // split and marked in the table.
        XCTAssertEqual(evaluation.unseenTasks, [.csqa])
        XCTAssertEqual(evaluation.byCorrectness.map(\.task), [.gsm])
        XCTAssertEqual(evaluation.byCorrectnessPerSet.map(\.name), evaluation.withThoughts.sets.filter { $0.task == .gsm }.map(\.name))
        let table = evaluation.table()
        XCTAssertTrue(table.contains("(left out: csqa sets, whose world the base model was not pretrained on)"), table)
        XCTAssertTrue(table.contains("csqa: the base model was not pretrained on the knowledge-base world"), table)
        XCTAssertFalse(table.contains("gsm: the base model was not pretrained"), table)
        // Told that its base model saw both worlds (the same weights), every set is split.
        var both = run.experiment
        both.data.corpus.base = .bothRecipe
        let bothRun = TrainedRun(experimentName: run.experimentName, id: run.id, directory: run.directory, experiment: both,
                                 vocabulary: run.vocabulary, model: run.model, baseKey: run.baseKey)
        let bothEvaluation = try SavedRunEvaluation.evaluate(bothRun, byCorrectness: true)
        XCTAssertEqual(bothEvaluation.unseenTasks, [])
        XCTAssertFalse(bothEvaluation.table().contains("left out"))
        XCTAssertEqual(bothEvaluation.withThoughts, evaluation.withThoughts)
        XCTAssertEqual(bothEvaluation.byCorrectness.map(\.task), [.gsm, .csqa])
        XCTAssertEqual("\(bothEvaluation.byCorrectness.first!)", "\(evaluation.byCorrectness.first!)")
        for split in bothEvaluation.byCorrectness {
            let sets = evaluation.withThoughts.sets.filter { $0.task == split.task }
            XCTAssertEqual(split.items, sets.count * evaluation.itemsPerSet)
            XCTAssertEqual(split.groups.map(\.items).reduce(0, +), split.items)
            let present = split.groups.filter { $0.items > 0 }
            func pooled(_ key: KeyPath<ThoughtCorrectness.Group, Double>) -> Double {
                present.map { $0[keyPath: key] * Double($0.items) }.reduce(0, +) / Double(split.items)
            }
            XCTAssertEqual(pooled(\.weight), evaluation.withThoughts.mean(split.task, \.weight), accuracy: 1e-9)
            XCTAssertEqual(pooled(\.mixSoft), evaluation.withThoughts.mean(split.task, \.soft), accuracy: 1e-9)
            XCTAssertEqual(pooled(\.mixExact), evaluation.withThoughts.mean(split.task, \.exact), accuracy: 1e-9)
            XCTAssertEqual(pooled(\.baseSoft), evaluation.withoutThoughts.mean(split.task, \.soft), accuracy: 1e-9)
            XCTAssertGreaterThanOrEqual(split.hindsightSoft, max(pooled(\.thoughtSoft), pooled(\.baseSoft)) - 1e-12)
        }
        XCTAssertEqual(bothEvaluation.byCorrectnessPerSet.map(\.name), evaluation.withThoughts.sets.map(\.name))
        for (split, set) in zip(bothEvaluation.byCorrectnessPerSet, evaluation.withThoughts.sets) {
            XCTAssertEqual(split.items, evaluation.itemsPerSet)
            let weight = split.groups.filter { $0.items > 0 }.map { $0.weight * Double($0.items) }.reduce(0, +) / Double(split.items)
            XCTAssertEqual(weight, set.weight, accuracy: 1e-9, set.name)
        }
        XCTAssertTrue(table.contains("head weight by correctness, own thought"), table)
        XCTAssertTrue(table.contains("hindsight (per item the better of w=1 and w=0"), table)
        XCTAssertTrue(table.split(separator: "\n").contains { $0.hasPrefix("gsm-k1 ") && $0.contains("hindsight") }, table)
        // A run without thoughts has nothing to sort by: refused, naming the flag and the run.
        let plain = TrainedRun(experimentName: run.experimentName, id: run.id, directory: run.directory, experiment: run.experiment,
                               vocabulary: run.vocabulary, model: run.model.baseOnly(), baseKey: run.baseKey)
        XCTAssertThrowsError(try SavedRunEvaluation.evaluate(plain, byCorrectness: true)) { error in
            XCTAssertTrue("\(error)".contains("--by-correctness") && "\(error)".contains(run.name)
                          && "\(error)".contains("no-thought run"), "\(error)")
        }
    }

    /// `--decoding sampled`: the model copy samples its evaluation thoughts exactly as the original
    /// does when told to; the scores are reproducible, differ from greedy thoughts' and leave the
    /// base scores alone.
    func testSampledDecodingOverridesTheRunsEvaluationThoughts() throws {
        let run = try noisyRun()
        XCTAssertEqual(run.model.config.evalThoughts, .greedy)
        let sampledModel = run.model.withEvalThoughts(.sampled)
        XCTAssertTrue(run.model.withEvalThoughts(.greedy) === run.model)
        let prompts = [try run.encode("Q: bob has 3 ."), try run.encode("Q: ann has 2 .")]
        var r1 = RNG(seed: 5), r2 = RNG(seed: 5)
        let copy = sampledModel.predictLastWithThoughts(prompts: prompts, using: &r1)
        let told = run.model.predictLastWithThoughts(prompts: prompts, decoding: .sampled, using: &r2)
        XCTAssertEqual(copy.thoughts, told.thoughts)
        XCTAssertEqual(copy.mixedLogits, told.mixedLogits)
        let greedy = try SavedRunEvaluation.evaluate(run, thoughtShares: [1])
        let sampled = try SavedRunEvaluation.evaluate(run, thoughtShares: [1], decoding: .sampled)
        XCTAssertEqual(sampled.decoding, .sampled)
        XCTAssertEqual(greedy.decoding, .greedy)
        XCTAssertEqual(sampled.withThoughts, try SavedRunEvaluation.evaluate(run, thoughtShares: [1], decoding: .sampled).withThoughts)
        XCTAssertNotEqual(sampled.withThoughts, greedy.withThoughts)
        XCTAssertNotEqual(sampled.withFixedShares, greedy.withFixedShares)
        XCTAssertEqual(sampled.withoutThoughts, greedy.withoutThoughts)
        XCTAssertEqual(try SavedRunEvaluation.evaluate(run, decoding: .greedy).withThoughts, greedy.withThoughts)
        XCTAssertTrue(sampled.table().contains("thoughts sampled"), sampled.table())
    }

    func testRenderingsAndJSON() throws {
        let run = try thinkingRun()
        let tokens = try run.encode("Q: bob has 3 .")
        let shown = try ThoughtInspection.inspect(run, tokens: tokens, decoding: .greedy, seed: 0)
        let plain = shown.render(style: TerminalStyle(colour: false))
        XCTAssertFalse(plain.contains("\u{1B}["))
        XCTAssertEqual(plain.split(separator: "\n").count, 2 + tokens.count + 1)
        XCTAssertTrue(plain.contains("[\(shown.positions[0].thoughtText.replacingOccurrences(of: "\n", with: "\\n"))]"), plain)
        XCTAssertTrue(shown.render(style: TerminalStyle(colour: true)).contains("\u{1B}[2m"))
        XCTAssertFalse(TerminalStyle.standardOutput(environment: ["NO_COLOR": "1"]).colour)

        let json = try JSONParser.parse(shown.json())
        guard case .array(let rows)? = json["positions"] else { return XCTFail("no positions") }
        XCTAssertEqual(rows.count, tokens.count)
        XCTAssertEqual(rows[1]["token"], .string("bob"))
        XCTAssertEqual(rows[0]["next"], .string("bob"))
        XCTAssertEqual(rows.last?["delta_logp"], .null)
        XCTAssertEqual(Double(rows[0]["delta_logp"].flatMap { if case .number(let n) = $0 { return n }; return nil } ?? ""),
                       shown.positions[0].deltaLogp)

        XCTAssertThrowsError(try ThoughtInspection.inspect(run, tokens: [Int](repeating: tokens[0], count: 65),
                                                           decoding: .greedy, seed: 0))
    }

    func testGenerationThinksBeforeEveryTokenAndKeepsThoughtsOutOfTheText() throws {
        let run = try thinkingRun()
        let v = run.vocabulary
        let prompt = try run.encode("Q: bob has 3 . ann has 2 more than bob . how many does ann have ?\\nA:")
        let g = try TextGeneration.generate(run, prompt: prompt, maxTokens: 10, temperature: nil, seed: 0)
        XCTAssertLessThanOrEqual(g.tokens.count, 10)
        XCTAssertEqual(g.thoughts.count, g.tokens.count)
        XCTAssertTrue(g.thoughts.allSatisfy { $0.count == 3 })
        let markers: Set<Int> = [v.thoughtStart, v.thoughtEnd, v.pad, v.separator]
        XCTAssertTrue(g.tokens.allSatisfy { !markers.contains($0) })
        // Greedy: the first token is the argmax of the mixed prediction after the (greedy) thought
        // at the last prompt position, and that thought is the one shown.
        let shown = try ThoughtInspection.inspect(run, tokens: prompt, decoding: .greedy, seed: 0)
        if let first = g.tokens.first {
            XCTAssertEqual(first, shown.positions.last!.predicted)
            XCTAssertEqual(g.thoughts[0], shown.positions.last!.thought)
        } else { XCTAssertEqual(g.stop, .nonText) }

        let plain = g.render(vocabulary: v, showThoughts: false, style: TerminalStyle(colour: false))
        XCTAssertEqual(plain, v.decode(prompt + g.tokens))
        let withThoughts = g.render(vocabulary: v, showThoughts: true, style: TerminalStyle(colour: false))
        XCTAssertEqual(withThoughts.components(separatedBy: "[thought: ").count - 1, g.tokens.count)

        // Sampling is deterministic in the seed.
        let a = try TextGeneration.generate(run, prompt: prompt, maxTokens: 8, temperature: 1, seed: 5)
        let b = try TextGeneration.generate(run, prompt: prompt, maxTokens: 8, temperature: 1, seed: 5)
        XCTAssertEqual(a.tokens, b.tokens)
        XCTAssertEqual(a.thoughts, b.thoughts)
        XCTAssertThrowsError(try TextGeneration.generate(run, prompt: prompt, maxTokens: 0, temperature: nil, seed: 0))
        XCTAssertThrowsError(try TextGeneration.generate(run, prompt: prompt, maxTokens: 4, temperature: -1, seed: 0))
    }
}

/// `sweep thought-content`: the table of an experiment's Quiet-STaR runs, tied to their logs.
final class ThoughtContentTests: XCTestCase {
    func testTableRowsMatchTheRunsAndTheirLogs() throws {
        let (results, id) = TrainedRunFixture.trained
        let plan = try SweepPlan.parse(text: TrainedRunFixture.text, file: "inspect.json")
        let expected = try XCTUnwrap(ThoughtContent.expectedRows(plan, results: results))
        // The fixture's base corpus (default data) has text of the GSM-style world only: one row.
        XCTAssertEqual(expected.map(\.task), ["GSM-style"])
        XCTAssertTrue(expected.allSatisfy { $0.run == id })
        let run = try TrainedRun.load(id, results: results)
        let rows = try ThoughtContent.rows(run)
        XCTAssertEqual(rows.map(\.task), expected.map(\.task))
        let evaluation = try SavedRunEvaluation.evaluate(run, foreignThoughts: true)
        for (row, e) in zip(rows, expected) {
            XCTAssertEqual(MarkdownTable.percent(row.own), e.own, "own = the logged final evaluation")
            XCTAssertEqual(row.seed, 1)
            let task: EvalTask = row.task == "GSM-style" ? .gsm : .csqa
            XCTAssertEqual(row.foreign, evaluation.withForeignThoughts!.mean(task, \.soft))
            XCTAssertEqual(row.pause, evaluation.withPauseThoughts!.mean(task, \.soft))
            XCTAssertEqual(row.shuffled, evaluation.withShuffledThoughts!.mean(task, \.soft))
            XCTAssertEqual(row.none, evaluation.withoutThoughts.mean(task, \.soft))
        }
        let table = (ThoughtContent.tableHeader + rows.map(ThoughtContent.tableRow)).joined(separator: "\n")
        XCTAssertEqual(ThoughtContent.savedRows(table).map(\.run), [id])
        XCTAssertTrue(ThoughtContent.savedTableIsCurrent(table, expected: expected))
        // Another logged value, another run, a missing row or an empty file: not current.
        var changed = expected
        changed[0].own = "0.0%"
        XCTAssertFalse(ThoughtContent.savedTableIsCurrent(table, expected: changed))
        changed = expected
        changed[0].run = "other"
        XCTAssertFalse(ThoughtContent.savedTableIsCurrent(table, expected: changed))
        XCTAssertFalse(ThoughtContent.savedTableIsCurrent(table, expected: expected + expected))
        XCTAssertFalse(ThoughtContent.savedTableIsCurrent("", expected: []))
        // A table written before the shuffled column (the same rows under the old header): not current.
        let oldHeader = ["| run | seed | task | own thought | another item's thought | pause tokens | no thought |",
                         "|---|---|---|---|---|---|---|"]
        XCTAssertFalse(ThoughtContent.savedTableIsCurrent((oldHeader + rows.map(ThoughtContent.tableRow)).joined(separator: "\n"),
                                                          expected: expected))
        // A run that is not complete: no table can be current.
        XCTAssertNil(ThoughtContent.expectedRows(plan, results: results + "/missing"))
    }

    /// The shuffled thought: the same tokens in another order, fixed by seed, set and item.
    func testShuffledThoughtIsASeededPermutation() {
        let thought = Array(100..<111)
        let a = Evaluator.shuffledThought(thought, seed: 3, set: 2, item: 5)
        XCTAssertEqual(a.sorted(), thought)
        XCTAssertNotEqual(a, thought)
        XCTAssertEqual(Evaluator.shuffledThought(thought, seed: 3, set: 2, item: 5), a)
        let others = [Evaluator.shuffledThought(thought, seed: 4, set: 2, item: 5),
                      Evaluator.shuffledThought(thought, seed: 3, set: 1, item: 5),
                      Evaluator.shuffledThought(thought, seed: 3, set: 2, item: 6)]
        for o in others {
            XCTAssertEqual(o.sorted(), thought)
            XCTAssertNotEqual(o, a)
        }
        XCTAssertEqual(Evaluator.shuffledThought([7, 7, 7], seed: 3, set: 0, item: 0), [7, 7, 7])
        XCTAssertEqual(Evaluator.shuffledThought([], seed: 3, set: 0, item: 0), [])
    }
}

/// Every knob of Quiet-STaR, with the paper's symbol and the authors' code name.
///
/// Defaults follow the paper's intent at this project's scale. Where the paper and the authors'
/// code differ, the difference is an explicit option (see `MixingSide`, `MixingActivation`,
/// `ThoughtDecoding`).
public struct QuietSTaRConfig: Codable, Equatable, Sendable {
    /// What the continued training does. All three run through the same training step.
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// Sampled thoughts, mixing head, REINFORCE (the paper).
        case quietSTaR
        /// Thoughts forced to one constant token (`pauseToken`): content-free extra compute
        /// (Goyal et al.'s pause tokens, the paper's control). No sampling, no policy loss.
        case pause
        /// No thoughts: plain language-model continued training (the paper's baseline).
        case noThought
    }

    /// Which prediction w weights. The authors' code: logits = (1 - w) base + w thought
    /// (`.thought`). The paper's Algorithm 1 writes w on the base side (`.base`): logits = w base +
    /// (1 - w) thought; with `.base` the head's output bias starts at 1 so that initialisation still
    /// reproduces the base model exactly.
    public enum MixingSide: String, Codable, Sendable { case thought, base }

    /// The head's output: raw (authors' code, no sigmoid) or squashed to (0, 1) by a sigmoid.
    /// With `.sigmoid` the start is w = 0.5 (or the bias's sigmoid), not the base model.
    public enum MixingActivation: String, Codable, Sendable { case none, sigmoid }

    /// Which talk steps train the mixing head.
    public enum MixingHeadTraining: String, Codable, Sendable, CaseIterable {
        /// Every talk step k = 0 ... n_true - 1 (the authors' code).
        case allTalkSteps
        /// Talk step 0 alone, the step inference uses: at k >= 1 the head's weight enters the
        /// mixed prediction as a constant (detached), so those steps' NLL does not move the head
        /// (nor, through the weight, the hidden states the head reads; through the mix it still does).
        case firstTalkStep
    }

    /// How evaluation thoughts are decoded: greedy (the paper's text) or sampled at temperature 1
    /// (what the authors' evaluation code effectively does).
    public enum ThoughtDecoding: String, Codable, Sendable { case greedy, sampled }

    /// What a thought's reward is compared with before REINFORCE: advantage = reward - baseline.
    public enum RewardBaseline: String, Codable, Sendable, CaseIterable {
        /// The mean reward of the r rationales of the same position (the paper; the authors'
        /// code with n_passes > 1). With r = 1 every advantage is 0: no policy gradient.
        case mean
        /// None: the advantage is the reward itself (the authors' code with one rationale, the
        /// paper's "no-baseline" ablation). Unbiased but noisier.
        case none
    }

    public var method: Method = .quietSTaR
    /// t: thought tokens sampled between the start and end markers (authors: n_ahead - 3... n_ahead = t + 3).
    public var thoughtLength: Int = 8
    /// r: rationales sampled per position; their mean reward is the REINFORCE baseline (authors: n_passes).
    public var rationales: Int = 2
    /// n_true: true tokens teacher-forced after the thought and scored (authors: n_ahead_talk;
    /// the paper's figure legend calls it "ahead").
    public var nTrue: Int = 4
    /// Temperature for sampling thought tokens (authors: 1).
    public var samplingTemperature: Float = 1
    /// Temperature of the log-probabilities in the REINFORCE term (authors: 3).
    public var reinforceTemperature: Float = 3
    /// Weight of the base next-token NLL in the total loss (authors: 0.5).
    public var baseLossWeight: Float = 0.5
    /// Weight of the mixed (talk) NLL (authors: 0.5).
    public var talkLossWeight: Float = 0.5
    /// Weight of the policy (REINFORCE) loss (authors: 1e6 for a bf16 7B model; a hyperparameter here).
    public var policyWeight: Float = 1
    /// Clamp negative advantages to 0 (authors: on).
    public var clampNegativeAdvantage: Bool = true
    /// The REINFORCE baseline (nil: `.mean`; stored only when set, so earlier configurations keep
    /// their resolved form).
    public var rewardBaseline: RewardBaseline? = nil
    /// The baseline in use.
    public var effectiveRewardBaseline: RewardBaseline { rewardBaseline ?? .mean }
    /// Token whose embedding initialises the start marker (authors: "---"). Set by the experiment.
    public var startMarkerInitToken: Int = 0
    /// Token whose embedding initialises the end marker. Set by the experiment.
    public var endMarkerInitToken: Int = 0
    /// Effective learning-rate multiplier of the marker embeddings (authors: 100; stored / 100,
    /// multiplied by 100 at use, so Adam moves them 100x faster).
    public var markerScale: Float = 100
    /// The end marker's own multiplier (nil: `markerScale`, the authors' single value). The end
    /// marker sits between the thought and the next true token, so it is what a reader of the
    /// thought must learn; the start marker is what elicits the thought in the first place.
    public var endMarkerScale: Float? = nil
    /// The multiplier the end marker uses.
    public var effectiveEndMarkerScale: Float { endMarkerScale ?? markerScale }
    /// Hidden width of the 3-layer ReLU mixing head 2d -> h -> h -> 1 (nil: d).
    public var mixingHeadWidth: Int? = nil
    public var mixingSide: MixingSide = .thought
    public var mixingActivation: MixingActivation = .none
    /// Learning-rate multiplier of the mixing head's parameters (nil: 1, the plain rate, as the
    /// authors; stored only when set, so earlier configurations keep their resolved form).
    public var mixingHeadLRScale: Float? = nil
    /// The multiplier in use.
    public var effectiveMixingHeadLRScale: Float { mixingHeadLRScale ?? 1 }
    /// Which talk steps train the mixing head (nil: `.allTalkSteps`; stored only when set).
    public var mixingHeadTraining: MixingHeadTraining? = nil
    /// The choice in use.
    public var effectiveMixingHeadTraining: MixingHeadTraining { mixingHeadTraining ?? .allTalkSteps }
    /// Evaluation thoughts: greedy by default (the paper's text).
    public var evalThoughts: ThoughtDecoding = .greedy
    /// Token fed as every thought token by the `.pause` method. Set by the experiment.
    public var pauseToken: Int = 0
    /// Tokens never sampled inside a thought (the two marker tokens of the vocabulary, padding).
    public var forbiddenThoughtTokens: [Int] = []
    /// Global gradient-norm clip (authors: 1.0).
    public var gradClip: Float = 1

    public init() {}

    /// Forward passes a step makes beyond the base pass: start, t thought tokens, end, and
    /// n_true - 1 further teacher-forced talk tokens.
    public var extraSteps: Int { method == .noThought ? 0 : thoughtLength + 2 + nTrue - 1 }

    /// The largest position offset past the last text position (the GPT context must cover it).
    public var maxPositionOffset: Int { method == .noThought ? 0 : thoughtLength + 1 + nTrue - 1 }

    /// Checks ranges; the message names the field and the allowed values.
    public func validate() throws {
        func bad(_ f: String, _ v: Any, _ allowed: String) -> QuietSTaRConfigError {
            QuietSTaRConfigError(field: f, value: "\(v)", allowed: allowed)
        }
        if thoughtLength < 0 || thoughtLength > 64 { throw bad("thoughtLength", thoughtLength, "0 ... 64") }
        if method == .quietSTaR && thoughtLength < 1 { throw bad("thoughtLength", thoughtLength, "1 ... 64 for quietSTaR") }
        if rationales < 1 || rationales > 16 { throw bad("rationales", rationales, "1 ... 16") }
        if nTrue < 1 || nTrue > 16 { throw bad("nTrue", nTrue, "1 ... 16") }
        if !(samplingTemperature > 0) { throw bad("samplingTemperature", samplingTemperature, "> 0") }
        if !(reinforceTemperature > 0) { throw bad("reinforceTemperature", reinforceTemperature, "> 0") }
        if !(baseLossWeight >= 0) { throw bad("baseLossWeight", baseLossWeight, ">= 0") }
        if !(talkLossWeight >= 0) { throw bad("talkLossWeight", talkLossWeight, ">= 0") }
        if !(policyWeight >= 0) { throw bad("policyWeight", policyWeight, ">= 0") }
        if !(markerScale > 0) { throw bad("markerScale", markerScale, "> 0") }
        if let e = endMarkerScale, !(e > 0) { throw bad("endMarkerScale", e, "> 0 or null") }
        if let w = mixingHeadWidth, w < 1 { throw bad("mixingHeadWidth", w, ">= 1 or null") }
        if let s = mixingHeadLRScale, !(s > 0 && s.isFinite) { throw bad("mixingHeadLRScale", s, "> 0 or null") }
        if !(gradClip > 0) { throw bad("gradClip", gradClip, "> 0") }
    }
}

public struct QuietSTaRConfigError: Error, CustomStringConvertible {
    public let field: String, value: String, allowed: String
    public var description: String { "invalid quietstar.\(field) = \(value); allowed: \(allowed)" }
}

// Off-policy estimators and their helpers (see types.ts for the data conventions).
export * from "./types.js";
export { bootstrapInterval, importanceWeights, quantile, ZERO_WEIGHT_REASON } from "./bootstrap.js";
export { estimateIps, type IpsInput } from "./ips.js";
export { estimateSnips, type SnipsInput } from "./snips.js";
export { estimateDm, type DmInput } from "./dm.js";
export { estimateDr, type DrInput } from "./dr.js";
export { estimateSwitchDr, type SwitchDrInput, type SwitchDrOptions } from "./switch-dr.js";
export { crossFitSmoothedCtr, fitSmoothedCtr, type RewardLog, type SmoothedCtrModel, type SmoothedCtrOptions } from "./reward-model.js";
export { betaTopKActionDist, epsilonGreedyActionDist, monteCarloActionDist, topIndicesInto, uniformActionDist, type MonteCarloOptions } from "./action-dist.js";

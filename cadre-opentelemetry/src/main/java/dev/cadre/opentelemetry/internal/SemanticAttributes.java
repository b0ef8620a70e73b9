package dev.cadre.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys Cadre's spans carry: OpenTelemetry's GenAI semantic conventions where they name the thing,
 * {@code cadre.*} for the rest. Spelled out here because the conventions' own constants live in an incubating
 * artifact whose names still change between releases.
 */
public final class SemanticAttributes {

    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<String> AGENT_ID = AttributeKey.stringKey("gen_ai.agent.id");
    public static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
    public static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");
    public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");

    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("cadre.run.id");
    public static final AttributeKey<String> PARENT_RUN_ID = AttributeKey.stringKey("cadre.run.parent_id");
    public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("cadre.session.id");
    public static final AttributeKey<String> COMPONENT_ID = AttributeKey.stringKey("cadre.component.id");
    public static final AttributeKey<String> COMPONENT_NAME = AttributeKey.stringKey("cadre.component.name");
    public static final AttributeKey<Boolean> TEAM = AttributeKey.booleanKey("cadre.run.team");
    public static final AttributeKey<String> STATUS = AttributeKey.stringKey("cadre.run.status");
    public static final AttributeKey<String> CANCEL_REASON = AttributeKey.stringKey("cadre.cancel.reason");
    public static final AttributeKey<String> MEMBER_RUN_ID = AttributeKey.stringKey("cadre.member.run.id");
    public static final AttributeKey<String> MEMBER_NAME = AttributeKey.stringKey("cadre.member.name");
    public static final AttributeKey<Double> TIME_TO_FIRST_TOKEN =
            AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
    public static final AttributeKey<Boolean> ABORTED = AttributeKey.booleanKey("cadre.model.aborted");

    private SemanticAttributes() {
    }
}

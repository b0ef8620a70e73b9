/**
 * Cadre's runtime: agents, teams, runs, events, tools, and the {@code Model} and {@code Db} SPIs.
 *
 * <p>{@code dev.cadre.internal} (the engine) is not exported. Jackson reads and writes the run values
 * and events by reflection, so their packages are opened to it, and only to it.
 */
module dev.cadre.core {
    // JsonNode, ObjectNode and ObjectMapper appear in the API (tool arguments and schemas, CadreJson);
    // databind brings jackson-core and jackson-annotations (the API's records are annotated) transitively.
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires org.slf4j;
    // Structured answers are checked against their output schema.
    requires com.networknt.schema;

    exports dev.cadre;
    exports dev.cadre.db;
    exports dev.cadre.event;
    exports dev.cadre.json;
    exports dev.cadre.memory;
    exports dev.cadre.model;
    exports dev.cadre.model.support;
    exports dev.cadre.run;
    exports dev.cadre.tool;

    opens dev.cadre.db to com.fasterxml.jackson.databind;
    opens dev.cadre.event to com.fasterxml.jackson.databind;
    opens dev.cadre.memory to com.fasterxml.jackson.databind;
    opens dev.cadre.model to com.fasterxml.jackson.databind;
    opens dev.cadre.run to com.fasterxml.jackson.databind;
    opens dev.cadre.internal to com.fasterxml.jackson.databind;
}

package dev.cadre.examples.spring;

import dev.cadre.Agent;
import dev.cadre.RunManager;
import dev.cadre.Team;
import dev.cadre.db.Db;
import dev.cadre.spring.boot.CadreModels;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The seed's ResearchTeam (a Researcher and a Writer) in a Spring Boot application, served by
 * {@link ResearchController}. The starter provides the store ({@code cadre.db}), the model
 * ({@code cadre.models.default}) and the run manager that the context shuts down (see {@code application.yml}).
 */
@SpringBootApplication
public class ResearchApplication {

    public static void main(String[] args) {
        SpringApplication.run(ResearchApplication.class, args);
    }

    @Bean
    Agent researcher(CadreModels models, Db db, RunManager runs) {
        return Agent.builder().name("Researcher").model(models.get("default"))
                .role("Research topics and provide factual information.").db(db).runManager(runs).build();
    }

    @Bean
    Agent writer(CadreModels models, Db db, RunManager runs) {
        return Agent.builder().name("Writer").model(models.get("default"))
                .role("Write clear and concise summaries.").db(db).runManager(runs).build();
    }

    @Bean
    Team researchTeam(CadreModels models, Db db, RunManager runs, Agent researcher, Agent writer) {
        return Team.builder().name("ResearchTeam").model(models.get("default"))
                .members(researcher, writer)
                .instructions("First, have the researcher gather key facts.",
                        "Then, have the writer create a concise summary.")
                .db(db).runManager(runs).build();
    }
}

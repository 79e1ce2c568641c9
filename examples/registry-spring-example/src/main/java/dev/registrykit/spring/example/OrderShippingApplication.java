package dev.registrykit.spring.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * OrderShippingService as a Spring Boot application on registrykit: it registers itself when its web
 * server is up (the starter does it; nothing here names registrykit) and calls its peers by service
 * name through Spring Cloud LoadBalancer, as it did on Eureka.
 */
@SpringBootApplication
public class OrderShippingApplication {

  /** Starts the application; {@code application.yaml} says where etcd is. */
  public static void main(String[] args) {
    SpringApplication.run(OrderShippingApplication.class, args);
  }

  // tag::spring-load-balanced[]
  @Bean
  @LoadBalanced                                  // http://OrderShippingService/... picks a live instance
  RestClient.Builder loadBalanced() {
    return RestClient.builder();
  }
  // end::spring-load-balanced[]
}

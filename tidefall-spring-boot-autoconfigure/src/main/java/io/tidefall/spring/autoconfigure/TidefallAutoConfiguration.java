package io.tidefall.spring.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.task.SimpleAsyncTaskSchedulerBuilder;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.RetryPolicy;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.retry.DataAccessRetryPolicy;

/**
 * Auto-configuration for Tidefall write buffers: one bean per buffer under
 * {@code tidefall.buffers}, their processors, the {@link TidefallBuffers} registry and the
 * lifecycle that starts and closes every buffer, and, with Spring's data-access exceptions on the
 * class path, the {@link RetryPolicy} they use. {@code tidefall.enabled=false} backs off
 * entirely; any other value than {@code true} or {@code false} fails the startup.
 *
 * <p>Runs after the task auto-configurations, so that the application's {@code TaskScheduler} and
 * Boot's {@code applicationTaskExecutor} are known when buffers are wired, and so that nothing
 * registered here can switch {@code applicationTaskExecutor} off.
 */
@AutoConfiguration(after = { TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class })
@ConditionalOnClass(Buffer.class)
@Conditional(OnTidefallEnabledCondition.class)
@EnableConfigurationProperties(TidefallProperties.class)
@Import(TidefallBufferRegistrar.class)
@ImportRuntimeHints(TidefallRuntimeHints.class)
public final class TidefallAutoConfiguration {

    /** Spring Boot's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
    private static final Duration DEFAULT_SHUTDOWN_PHASE = Duration.ofSeconds(30);

    @Bean
    TidefallBufferFactory tidefallBufferFactory(ConfigurableListableBeanFactory beanFactory, Environment environment,
            ApplicationContext context, TidefallProperties properties,
            ObjectProvider<ThreadPoolTaskSchedulerBuilder> schedulerBuilder,
            ObjectProvider<SimpleAsyncTaskSchedulerBuilder> virtualSchedulerBuilder) {
        return new TidefallBufferFactory(beanFactory, properties, schedulerBuilder, virtualSchedulerBuilder,
                Threading.VIRTUAL.isActive(environment), isWebApplication(context));
    }

    /** A servlet or reactive web application serves until it is stopped; any other ends when its work is done. */
    static boolean isWebApplication(ApplicationContext context) {
        if (context instanceof ReactiveWebApplicationContext) {
            return true;
        }
        String servlet = "org.springframework.web.context.WebApplicationContext";
        ClassLoader loader = context.getClassLoader();
        return ClassUtils.isPresent(servlet, loader) && ClassUtils.resolveClassName(servlet, loader).isInstance(context);
    }

    @Bean
    @ConditionalOnMissingBean
    TidefallBuffers tidefallBuffers(ObjectProvider<Buffer> buffers) {
        return new TidefallBuffers(buffers::orderedStream);
    }

    @Bean
    ProcessorBinder tidefallProcessors(ConfigurableListableBeanFactory beanFactory, BufferDefinitions definitions,
            TidefallBufferFactory factory, TidefallBuffers buffers) {
        return new ProcessorBinder(beanFactory, definitions.all(), factory, buffers);
    }

    /**
     * Spring's data-access exceptions tell a database outage (retried until the delivery deadline)
     * from a chunk the database never accepts (narrowed down to its poison elements at once); a
     * {@link RetryPolicy} bean of the application's replaces this one.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.dao.DataAccessException")
    static class DataAccessRetryPolicyConfiguration {

        @Bean
        @ConditionalOnMissingBean(RetryPolicy.class)
        DataAccessRetryPolicy tidefallRetryPolicy() {
            return new DataAccessRetryPolicy();
        }
    }

    @Bean
    TidefallLifecycle tidefallLifecycle(TidefallBuffers buffers, ProcessorBinder processors,
            ObjectProvider<BufferListener> listeners, Environment environment) {
        Duration shutdownPhase = Binder.get(environment)
                .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(DEFAULT_SHUTDOWN_PHASE);
        return new TidefallLifecycle(buffers, processors, listeners, shutdownPhase);
    }
}
